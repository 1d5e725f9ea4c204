#!/usr/bin/env python3
"""Resampling benchmark, measured in one run: 60 s of 44.1 kHz stereo to 16 kHz mono with
AudioResampleNode (native and WASI under Node) against sox.

Whisper's speed is measured on real speech by bench/whisper_speed.py (against faster-whisper) and
web/bench/whisper-bench.mjs (natively, in Node and in Chromium).

Usage: bench/audio_bench.py   (after scripts/setup)
"""
import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(REPO, "build/native/remotemedia")


def run_ms(cmd, cwd):
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return json.loads(out.stdout)["execution_time_ms"]


def main():
    with tempfile.TemporaryDirectory(dir=REPO) as tmp:
        rel = os.path.relpath(tmp, REPO)
        subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", "-b", "16", f"{tmp}/60s.wav", "synth", "60", "sine", "440",
                        "sine", "660"], check=True)
        manifest = {"version": "v1", "nodes": [{"id": "r", "node_type": "AudioResampleNode", "params": {
            "target_sample_rate": 16000, "channels": 1, "quality": "high"}}]}
        with open(f"{tmp}/r.json", "w") as f:
            json.dump(manifest, f)
        native = min(run_ms([CLI, "run", f"{rel}/r.json", "-i", f"{rel}/60s.wav"], REPO) for _ in range(3))
        wasi = min(run_ms(["node", os.path.join(REPO, "tools/remotemedia-wasi"), "run", f"{rel}/r.json", "-i", f"{rel}/60s.wav"], REPO)
                   for _ in range(2))
        sox = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run(["sox", f"{tmp}/60s.wav", "-r", "16000", "-c", "1", f"{tmp}/sox.wav", "rate", "-h"], check=True)
            sox.append((time.perf_counter() - t0) * 1000)
        print("Resampling 60 s of 44.1 kHz stereo to 16 kHz mono (high quality):")
        print(f"  AudioResampleNode native {native:.1f} ms ({60000 / native:.0f}x real time), WASI {wasi:.1f} ms; "
              f"sox rate -h {min(sox):.1f} ms (whole process); node / sox = {native / min(sox):.1f}")


if __name__ == "__main__":
    main()
