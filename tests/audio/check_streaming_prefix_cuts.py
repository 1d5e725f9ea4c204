#!/usr/bin/env python3
"""StreamingWhisperNode on continuous speech (espeak-ng's Harvard sentences, real tiny.en q8_0),
through `run --stream` in 0.1 s packets on the audio clock (`keep_up: false`: the same outputs on
every run).

The committed segments start each transcription (`prefix_committed`, decoded in one batch). Cut
after the last committed *word*, that prefix made tiny.en stop writing timestamps: with no segment
end the buffer was only cut at max_buffer, words waited up to 20 s of audio to be committed, a cut
by guessed word times committed a sentence twice, and the WER of Harvard lists 3-4 went from 20.8%
to 24.7%. With the defaults, the committed text must say no 5-word phrase twice (the sentences have
none), commit every word within 8 s of audio after its end (3.2 s here, 5.4 s in the ASan build,
whose arithmetic differs; the failure waited for max_buffer), and stay within 22% WER (14.9% now;
offline 14.3%).

After each cut, what the cut audio said is the decoder's prompt. As plain text, that prompt made
tiny.en write no timestamps either (one segment to the end of the window, every step): the buffer
was cut once at buffer_trim (15 s), then only at max_buffer (25 s), every step encoding up to 25 s.
As tokens with their timestamps it keeps writing segments, so the buffer (each partial's `buffer`)
must stay under MOST_BUFFER_S: buffer_trim, then up to a sentence until a committed segment ends.

The same holds with `portable_math` (ggml's kernels and flash attention in the encoder: the wasm's
arithmetic). There, 3.4 s into a buffer, tiny.en closed a segment at 20.82 s. Taken as committed,
that segment started every later decoding, which found no audio after it: 19 s of empty hypotheses,
then a cut at max_buffer threw the speech away (49.4% WER). A segment that ends past the audio the
encoder heard is no segment end now.

At a 0.6 s `step` (run `short_step`), tiny.en stalled: after committing "Wipe the", every
transcription for 10 s of audio closed its last segment after "the" and wrote end of text, so
"grease off his dirty face ..." was committed 10.9 s late, all at once. Two such steps now cut the
buffer at that segment's end, and the next window starts where the words stopped (longest wait
4.3 s; 4.0 s in the ASan build). The wait bound is the same for every run.

Usage: check_streaming_prefix_cuts.py MODELS_DIR CLI [--runs defaults,portable_math,short_step]
       (the CLI may carry arguments; --runs: which runs, all by default)
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_streaming_keeps_every_word import manifest, packets  # noqa: E402
from whisper_text import HARVARD_3_4, MODELS, REPO, say, wer, words  # noqa: E402

MOST_WAIT_S = 8.0
MOST_WER = 22.0
MOST_BUFFER_S = 20.0


def said_twice(text, n=5):
    said, seen, twice = words(text), set(), []
    for i in range(len(said) - n + 1):
        phrase = " ".join(said[i:i + n])
        if phrase in seen:
            twice.append(phrase)
        seen.add(phrase)
    return twice


def main():
    models, cli = sys.argv[1], shlex.split(sys.argv[2])
    runs = {"defaults": {}, "portable_math": {"portable_math": True}, "short_step": {"step": 0.6}}
    chosen = sys.argv[sys.argv.index("--runs") + 1].split(",") if "--runs" in sys.argv else list(runs)
    if not chosen or any(name not in runs for name in chosen):
        sys.exit(f"usage: --runs takes some of {','.join(runs)}, got {chosen}")
    model = os.path.abspath(os.path.join(models, MODELS["q8_0"]))
    failures = []
    with tempfile.TemporaryDirectory(dir=os.path.join(REPO, "build")) as tmp:
        wav = os.path.join(tmp, "speech.wav")
        say(HARVARD_3_4, wav)
        with wave.open(wav) as w:
            frames = w.readframes(w.getnframes())
        for name in chosen:
            failures += check(cli, manifest(tmp, model, keep_up=False, **runs[name]), frames, name)
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("OK")


def check(cli, stream_json, frames, name):
    """The failures of one run, each naming the run."""
    r = subprocess.run(cli + ["run", stream_json, "--stream"], input=packets(frames, 0.1),
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        return [f"{name}: exit {r.returncode}: {r.stderr.strip()[-500:]}"]
    outputs = list(map(json.loads, r.stdout.splitlines()))
    commits = [c for c in outputs if c.get("type") == "committed"]
    buffer = max((p["buffer"] for p in outputs if p.get("type") == "partial"), default=0)
    text = "".join(c["text"] for c in commits)
    twice = said_twice(text)
    waits = [c["audio_time"] - w["end"] for c in commits for w in c["words"]]
    error = wer(HARVARD_3_4, text)
    print(f"Harvard 3-4, {name}: WER {error:.1f}%, longest wait {max(waits, default=0):.1f} s of audio, "
          f"longest buffer {buffer:.1f} s, "
          f"phrases twice: {twice}\n  {text.strip()}", flush=True)
    failures = []
    if twice:
        failures.append(f"committed twice: {twice}")
    if not waits or max(waits) > MOST_WAIT_S:
        failures.append(f"a word waited {max(waits, default=0):.1f} s of audio (at most {MOST_WAIT_S})")
    if not 0 < buffer <= MOST_BUFFER_S:
        failures.append(f"the buffer grew to {buffer:.1f} s (at most {MOST_BUFFER_S}: not cut at segment ends)")
    if error > MOST_WER:
        failures.append(f"WER {error:.1f}% > {MOST_WER}%")
    return [f"{name}: {f}" for f in failures]


if __name__ == "__main__":
    main()
