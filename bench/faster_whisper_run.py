#!/usr/bin/env python3
"""faster-whisper (CTranslate2), the peer: transcribes WAV files with the same weights as our
tiny.en (build/models/ct2-tiny.en, from tools/fetch-whisper-model) and the same decoding as
WhisperNode (greedy, temperature 0 without fallback, no conditioning on earlier text), and prints
one JSON line: {"load_ms", "transcribe_ms": [...], "texts": [...]}.

Runs in the venv that scripts/setup makes (build/venv/bin/python, faster-whisper pinned in
tools/requirements-faster-whisper.txt).

Usage: faster_whisper_run.py [--compute-type int8|float32] [--threads N] MODEL_DIR WAV [WAV...]
"""
import argparse
import json
import time


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--compute-type", default="float32")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("model")
    p.add_argument("wavs", nargs="+")
    a = p.parse_args()
    from faster_whisper import WhisperModel

    t0 = time.perf_counter()
    model = WhisperModel(a.model, device="cpu", compute_type=a.compute_type, cpu_threads=a.threads)
    load_ms = (time.perf_counter() - t0) * 1000
    times, texts = [], []
    for wav in a.wavs:
        t0 = time.perf_counter()
        segments, _ = model.transcribe(wav, language="en", beam_size=1, temperature=0.0,
                                       condition_on_previous_text=False, vad_filter=False)
        texts.append("".join(s.text for s in segments).strip())  # the generator does the work
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"load_ms": load_ms, "transcribe_ms": times, "texts": texts}))


if __name__ == "__main__":
    main()
