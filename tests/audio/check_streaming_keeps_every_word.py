#!/usr/bin/env python3
"""StreamingWhisperNode must never drop words when audio comes faster than it is transcribed (one
long item, or a machine too slow for real time). jfk.wav three times over (33 s, longer than
Whisper's 30 s window and the node's 25 s max_buffer) goes through the node with real tiny.en:
  - as one item (`run -i`): the node gets all 33 s at once;
  - as 0.5 s packets through `run --stream`, with max_buffer 12: every trim at max_buffer counts.
The committed text must hold JFK's sentence three times: at most 10% word error rate against it,
and every "country" (six) there. Before the fix, the audio past the window was cut away unheard.

Usage: check_streaming_keeps_every_word.py MODELS_DIR CLI   (the CLI may carry arguments)
"""
import array
import json
import os
import shlex
import subprocess
import sys
import tempfile
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_whisper_jfk import JFK  # noqa: E402
from whisper_text import MODELS, REPO, audio_item, wer, words  # noqa: E402

TIMES = 3


def jfk_three_times(models, folder):
    with wave.open(os.path.join(models, "jfk.wav")) as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    path = os.path.join(folder, "jfk3.wav")
    with wave.open(path, "wb") as out:
        out.setparams(params)
        out.writeframes(frames * TIMES)
    return path, frames


def manifest(folder, model, **params):
    path = os.path.join(folder, "stream.json")
    with open(path, "w") as f:
        json.dump({"version": "v1", "nodes": [{"id": "live", "node_type": "StreamingWhisperNode",
                                              "params": {"model": model, **params}}], "connections": []}, f)
    return path


def committed_text(outputs):
    return "".join(o["text"] for o in outputs if o.get("type") == "committed")


def packets(frames, seconds):
    """16-bit PCM frames as `__audio__` items of `seconds` each, one NDJSON line apiece."""
    pcm = array.array("h", frames)
    n = int(16000 * seconds)
    return "".join(audio_item(array.array("f", (s / 32768.0 for s in pcm[i:i + n]))) + "\n"
                   for i in range(0, len(pcm), n))


def main():
    models, cli = sys.argv[1], shlex.split(sys.argv[2])
    model = os.path.abspath(os.path.join(models, MODELS["f16"]))
    truth = " ".join([JFK] * TIMES)
    failures = []
    with tempfile.TemporaryDirectory(dir=os.path.join(REPO, "build")) as tmp:
        wav, frames = jfk_three_times(models, tmp)
        runs = {}
        r = subprocess.run(cli + ["run", manifest(tmp, model, keep_up=False), "-i", wav],
                           capture_output=True, text=True, timeout=600)
        runs["one 33 s item"] = (r, lambda out: json.loads(out)["outputs"])
        r = subprocess.run(cli + ["run", manifest(tmp, model, keep_up=False, max_buffer=12, buffer_trim=12),
                                  "--stream"], input=packets(frames * TIMES, 0.5), capture_output=True, text=True,
                           timeout=600)
        runs["0.5 s packets, max_buffer 12"] = (r, lambda out: [json.loads(line) for line in out.splitlines()])
        for name, (r, parse) in runs.items():
            if r.returncode != 0:
                failures.append(f"{name}: exit {r.returncode}: {r.stderr.strip()[-500:]}")
                continue
            text = committed_text(parse(r.stdout))
            error = wer(truth, text)
            countries = words(text).count("country")
            ok = error <= 10 and countries == 2 * TIMES
            print(f"{'ok  ' if ok else 'FAIL'} {name}: WER {error:.1f}%, 'country' {countries} times: {text.strip()!r}")
            if not ok:
                failures.append(name)
    if failures:
        sys.exit("words were dropped: " + "; ".join(failures))


if __name__ == "__main__":
    main()
