#!/usr/bin/env python3
"""Whisper speed on real speech, ours against faster-whisper, measured in one run.

The same weights on both sides (tiny.en from tools/fetch-whisper-model: our ggml copies f16, q8_0
and q5_1; faster-whisper's CTranslate2 copy run as int8 and float32), the same audio (jfk.wav,
11 s), the same decoding (greedy, temperature 0 without fallback, no conditioning), on 1 thread
and on all cores. Two figures per row:

  * process: one transcription as a user starts it, from exec to exit (model load included);
  * in-process: the transcription alone with the model loaded, best over --repeat pushes
    (ours: items pushed into one `remotemedia run --stream` session, timed from the write of the
    item to its output line; faster-whisper: WhisperModel.transcribe timed inside its process).

Rounds are interleaved (every row once per round), so load from elsewhere spreads over all rows;
the table gives the best of the rounds and ratios against faster-whisper int8 on as many threads.
Each row's transcript is checked against JFK's words: a fast wrong answer is marked.

Usage: bench/whisper_speed.py [--rounds 3] [--repeat 3] [--types q8_0,f16,q5_1] [--threads 1,N]
(after scripts/setup: build/native/remotemedia, build/models, build/venv with faster-whisper)
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "audio"))
sys.path.insert(0, os.path.join(REPO, "bench"))
from check_whisper_jfk import JFK  # noqa: E402
from streaming_bench import load_wav_16k  # noqa: E402
from whisper_text import MODELS, audio_item, words  # noqa: E402

CLI = os.path.join(REPO, "build", "native", "remotemedia")
PEER_PYTHON = os.path.join(REPO, "build", "venv", "bin", "python")
PEER = os.path.join(REPO, "bench", "faster_whisper_run.py")
JFK_WORDS = words(JFK)


def manifest(folder, model, threads):
    path = os.path.join(folder, f"{model}-{threads}.json")
    with open(path, "w") as f:
        json.dump({"version": "v1", "nodes": [{"id": "whisper", "node_type": "WhisperNode", "params": {
            "model": os.path.join(REPO, "build", "models", model), "n_threads": threads}}]}, f)
    return path


def ours_process(m, wav):
    t0 = time.perf_counter()
    r = subprocess.run([CLI, "run", m, "-i", wav], capture_output=True, text=True)
    ms = (time.perf_counter() - t0) * 1000
    if r.returncode != 0:
        sys.exit(f"remotemedia failed: {r.stderr[-800:]}")
    return ms, json.loads(r.stdout)["outputs"][0]["text"]


def ours_in_process(m, item, repeat):
    p = subprocess.Popen([CLI, "run", m, "--stream"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    best, text = float("inf"), ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        p.stdin.write(item + "\n")
        p.stdin.flush()
        line = p.stdout.readline()
        best = min(best, (time.perf_counter() - t0) * 1000)
        if not line:
            sys.exit(f"remotemedia --stream ended early (exit {p.wait()})")
        text = json.loads(line)["text"]
    p.stdin.close()
    if p.wait() != 0:
        sys.exit(f"remotemedia --stream failed (exit {p.returncode})")
    return best, text


def peer(compute_type, threads, wavs):
    t0 = time.perf_counter()
    r = subprocess.run([PEER_PYTHON, PEER, "--compute-type", compute_type, "--threads", str(threads),
                        os.path.join(REPO, "build", "models", "ct2-tiny.en"), *wavs], capture_output=True, text=True)
    ms = (time.perf_counter() - t0) * 1000
    if r.returncode != 0:
        sys.exit(f"faster-whisper failed: {r.stderr[-800:]}")
    return ms, json.loads(r.stdout)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--types", default="q8_0,f16,q5_1")
    p.add_argument("--threads", default=f"1,{os.cpu_count()}")
    p.add_argument("--wav", default=os.path.join(REPO, "build", "models", "jfk.wav"))
    a = p.parse_args()
    thread_counts = sorted({int(t) for t in a.threads.split(",")})
    item = audio_item(load_wav_16k(a.wav)[0])  # one `__audio__` item, for the session's NDJSON input
    check = os.path.basename(a.wav) == "jfk.wav"

    with tempfile.TemporaryDirectory() as tmp:
        rows = {}  # name -> (threads, () -> (process ms, in-process ms, text))
        for threads in thread_counts:
            for ct in ("int8", "float32"):
                def run_peer(ct=ct, threads=threads):
                    whole, _ = peer(ct, threads, [a.wav])
                    _, out = peer(ct, threads, [a.wav] * a.repeat)
                    return whole, min(out["transcribe_ms"]), out["texts"][0]
                rows[f"faster-whisper {ct} {threads}T"] = (threads, run_peer)
            for t in a.types.split(","):
                m = manifest(tmp, MODELS[t], threads)

                def run_ours(m=m):
                    whole, text = ours_process(m, a.wav)
                    inner, text2 = ours_in_process(m, item, a.repeat)
                    if text2 != text:
                        sys.exit(f"the session's transcript differs from the run's: {text2!r} vs {text!r}")
                    return whole, inner, text
                rows[f"ours {t} {threads}T"] = (threads, run_ours)

        load = lambda: open("/proc/loadavg").read().split()[:3]  # noqa: E731
        print(f"whisper speed on {os.path.basename(a.wav)}: {a.rounds} rounds, interleaved; load before {load()}")
        results = {name: ([], [], "") for name in rows}
        for _ in range(a.rounds):
            for name, (_, fn) in rows.items():
                whole, inner, text = fn()
                results[name][0].append(whole)
                results[name][1].append(inner)
                results[name] = (results[name][0], results[name][1], text)
        print(f"load after {load()}\n")
        print(f"{'':28} {'process ms':>10} {'in-process ms':>13}   ratios vs faster-whisper int8, same threads")
        for name, (threads, _) in rows.items():
            whole, inner, text = min(results[name][0]), min(results[name][1]), results[name][2]
            ref_whole = min(results[f"faster-whisper int8 {threads}T"][0])
            ref_inner = min(results[f"faster-whisper int8 {threads}T"][1])
            mark = "" if not check or words(text) == JFK_WORDS else f"   WRONG WORDS: {text!r}"
            print(f"  {name:26} {whole:10.0f} {inner:13.0f}   x{whole / ref_whole:.2f} process, "
                  f"x{inner / ref_inner:.2f} in-process{mark}")
        print("\n(a ratio below 1 is faster than faster-whisper int8)")


if __name__ == "__main__":
    main()
