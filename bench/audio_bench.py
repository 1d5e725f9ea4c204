#!/usr/bin/env python3
"""Audio benchmarks, measured in one run:

  * whisper_full on a 30 s window with the tiny-shaped synthetic model (n_state 384, 4+4 layers),
    native with 1 and 2 threads and WASI (Node) with 1 thread, f16 and q8_0 weights (all-f32 files fail whisper.cpp 1.9.1's
    convolution check); reported as the WhisperNode's time from the CLI, best of 2;
  * resampling 60 s of 44.1 kHz stereo to 16 kHz mono: AudioResampleNode (native and WASI) vs sox.

Usage: bench/audio_bench.py   (after scripts/setup; writes tiny models to build/models once)
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
    models = os.path.join(REPO, "build/models")
    for t in ("f16", "q8_0"):
        path = os.path.join(models, f"tiny-{t}.bin")
        if not os.path.exists(path):
            subprocess.run(["/usr/bin/python3.11", os.path.join(REPO, "tools/make-whisper-model.py"), "--shape", "tiny",
                            "--type", t, path], check=True)
    with tempfile.TemporaryDirectory(dir=REPO) as tmp:
        rel = os.path.relpath(tmp, REPO)
        subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", f"{tmp}/30s.wav", "synth", "30", "pinknoise",
                        "vol", "0.3"], check=True)
        print("whisper_full, 30 s window, tiny-shaped model (WhisperNode time, best of 2):")
        results = {}
        for t in ("f16", "q8_0"):
            for threads in (1, 2):
                manifest = {"version": "v1", "nodes": [{"id": "w", "node_type": "WhisperNode", "params": {
                    "model": f"../build/models/tiny-{t}.bin", "max_tokens": 8, "suppress_end_of_text": True,
                    "n_threads": threads}}]}
                with open(f"{tmp}/w.json", "w") as f:
                    json.dump(manifest, f)
                ms = min(run_ms([CLI, "run", f"{rel}/w.json", "-i", f"{rel}/30s.wav"], REPO) for _ in range(2))
                results[(t, threads)] = ms
                print(f"  native {t:5s} {threads} thread(s): {ms:8.1f} ms")
            # WASI: one thread (the full module, under Node's JS host), the same manifest and audio.
            manifest["nodes"][0]["params"]["n_threads"] = 1
            with open(f"{tmp}/w.json", "w") as f:
                json.dump(manifest, f)
            wasi = min(run_ms(["node", os.path.join(REPO, "tools/remotemedia-wasi"), "--dir", models, "run", f"{rel}/w.json",
                               "-i", f"{rel}/30s.wav"], REPO) for _ in range(2))
            results[(t, "wasi")] = wasi
            print(f"  WASI   {t:5s} 1 thread   : {wasi:8.1f} ms")
        for t in ("f16", "q8_0"):
            print(f"  {t}: native 2 threads / 1 thread = {results[(t, 2)] / results[(t, 1)]:.2f}; "
                  f"WASI / native at 1 thread = {results[(t, 'wasi')] / results[(t, 1)]:.2f}")

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
