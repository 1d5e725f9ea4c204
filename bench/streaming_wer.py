#!/usr/bin/env python3
"""Word error rate of streaming transcription over a set of recordings, on the audio clock.

Each recording goes to `remotemedia run STREAM.json --stream` in 0.1 s packets, as fast as the
CLI takes them, through a StreamingWhisperNode with `keep_up: false`: every `step` seconds of audio
is transcribed however long that takes, so the transcript does not depend on the machine's speed
(bench/streaming_bench.py measures latency, in real time, on one recording). Each recording is
also transcribed offline (WhisperNode over the whole file, with the stream's `portable_math` if
given), the transcript streaming should match.

The set: jfk.wav, and two lists of Harvard sentences (IEEE 1969) spoken by espeak-ng in each of
--voices, some 3 minutes of speech in all. The pooled WER (all word errors over all words of the
truth) is the figure to compare settings by: on one 44 s recording, settings a few points apart
cannot be told apart (docs/audio.md). Each row also gives the stream's compute time as a multiple of
the audio's length (on the audio clock a run is all compute; it depends on the machine and its load),
and the pooled line the median lag: the audio that had arrived when a word was committed, minus the
word's end (the node's own word times), over every committed word. It compares commit policies
without a real-time clock (bench/streaming_bench.py measures the real latency).

Usage:
  bench/streaming_wer.py [--model build/models/ggml-tiny.en-q8_0.bin] [--voices en,en-us]
                         [--param NAME=JSON]... [--cli build/native/remotemedia] [--json]
"""
import argparse
import json
import os
import statistics
import sys
import tempfile

import streaming_bench as sb
from whisper_text import HARVARD, HARVARD_3_4, rate, say, word_errors


def recordings(voices, tmp):
    """(name, wav, truth) for the set, the espeak-ng speech made into tmp."""
    out = [("jfk.wav", os.path.join(sb.MODELS, "jfk.wav"), sb.JFK_TRUTH)]
    for voice in voices:
        for name, text in (("harvard-1-2", HARVARD), ("harvard-3-4", HARVARD_3_4)):
            wav = os.path.join(tmp, f"{name}-{voice}.wav")
            say(text, wav, voice)
            out.append((f"{name} ({voice})", wav, text))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=os.path.join(sb.MODELS, "ggml-tiny.en-q8_0.bin"))
    p.add_argument("--cli", default=os.path.join(sb.ROOT, "build", "native", "remotemedia"))
    p.add_argument("--voices", default="en,en-us", help="espeak-ng voices, comma-separated (espeak-ng --voices=en)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=JSON",
                   help="a StreamingWhisperNode param, e.g. buffer_trim=8 (repeatable)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    extra = {"keep_up": False, **{k: json.loads(v) for k, v in (a.split("=", 1) for a in args.param)}}
    model = os.path.abspath(args.model)
    tmp = tempfile.mkdtemp(prefix="rm-stream-wer-")
    rows, pooled = [], {"stream": [0, 0], "offline": [0, 0], "stream_vs_offline": [0, 0]}
    compute_s = 0.0
    lags = []
    # The offline transcript in the same arithmetic as the stream (portable_math: the wasm's kernels).
    offline_params = {k: extra[k] for k in ("portable_math",) if k in extra}
    for name, wav, truth in recordings([v for v in args.voices.split(",") if v], tmp):
        samples, wav16 = sb.load_wav_16k(wav)
        offline = sb.offline_text(args.cli, model, wav16, tmp, offline_params)
        ours = sb.stream_ours(args.cli, model, samples, None, 0.1, tmp, extra, real_time=False)
        stream = "".join(t for _, t, _ in ours["commits"])
        # On the audio clock the stream's run time is its compute: as a fraction of the audio's length
        # it says how far from real time this machine is (not part of the WER, which does not depend on it).
        compute_s += ours["end_s"]
        lags += ours["lags"]
        row = {"recording": name, "audio_s": round(len(samples) / 16000, 1),
               "compute_x_real_time": round(ours["end_s"] * 16000 / len(samples), 2)}
        for key, (ref, hyp) in {"stream": (truth, stream), "offline": (truth, offline),
                                "stream_vs_offline": (offline, stream)}.items():
            errors, n = word_errors(ref, hyp)
            pooled[key][0] += errors
            pooled[key][1] += n
            row[key] = round(rate(errors, n), 1)
        row["text"] = stream.strip()
        rows.append(row)
        if not args.json:
            print(f"{name:28} {row['audio_s']:5.1f} s  stream {row['stream']:5.1f}%  offline {row['offline']:5.1f}%"
                  f"  stream vs offline {row['stream_vs_offline']:5.1f}%  compute {row['compute_x_real_time']:.2f}x",
                  flush=True)
    total = {k: round(rate(e, n), 1) for k, (e, n) in pooled.items()}
    total["compute_x_real_time"] = round(compute_s / max(sum(r["audio_s"] for r in rows), 1e-9), 2)
    total["lag_median_s"] = round(statistics.median(lags), 2) if lags else None
    if args.json:
        print(json.dumps({"model": model, "params": extra, "recordings": rows, "pooled": total}, indent=1))
        return
    print(f"{'pooled':28} {sum(r['audio_s'] for r in rows):5.1f} s  stream {total['stream']:5.1f}%  offline "
          f"{total['offline']:5.1f}%  stream vs offline {total['stream_vs_offline']:5.1f}%  compute "
          f"{total['compute_x_real_time']:.2f}x  lag {total['lag_median_s']} s  params {json.dumps(extra)}")


if __name__ == "__main__":
    sys.exit(main())
