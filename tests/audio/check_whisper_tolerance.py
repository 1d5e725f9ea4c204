#!/usr/bin/env python3
"""Whisper across thread counts and weight types, where exact tokens are not promised: the same
micro model with 1 and 2 threads natively, and its q8_0 twin natively and inside the wasm, must
all transcribe the same speech into a well-formed result of the same audio length, with segment
counts within one of each other and the first segment starting within 0.5 s.

Usage: check_whisper_tolerance.py NATIVE_CLI WASI_CLI MODELS_DIR [WASM_THREADS]
(WASM_THREADS: n_threads for the wasm run, 1 unless given: the threads build takes more)
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile


def run(cli, manifest, wav, cwd):
    with open(os.path.join(cwd, "w.json"), "w") as f:
        json.dump(manifest, f)
    out = subprocess.run(shlex.split(cli) + ["run", "w.json", "-i", wav], cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{cli}: exit {out.returncode}: {out.stderr}")
    return json.loads(out.stdout)["outputs"][0]


def main(native, wasi, models, wasm_threads="1"):
    with tempfile.TemporaryDirectory(dir=os.getcwd()) as tmp:
        wav = os.path.join(tmp, "speech.wav")
        subprocess.run(["espeak-ng", "-w", os.path.join(tmp, "raw.wav"), "Testing one two three."], check=True)
        subprocess.run(["sox", os.path.join(tmp, "raw.wav"), "-r", "16000", "-c", "1", wav], check=True)
        results = {}
        for name, cli, model, threads in (("f16 x1", native, "micro-f16.bin", 1), ("f16 x2", native, "micro-f16.bin", 2),
                                          ("q8_0 x1", native, "micro-q8_0.bin", 1), ("q8_0 wasm", wasi, "micro-q8_0.bin", int(wasm_threads))):
            manifest = {"version": "v1", "nodes": [{"id": "w", "node_type": "WhisperNode", "params": {
                "model": os.path.join(models, model), "max_tokens": 6, "suppress_end_of_text": True, "n_threads": threads}}]}
            results[name] = run(cli, manifest, "speech.wav", tmp)
            print(f"{name:10s} {json.dumps(results[name])[:160]}")
        ref = results["f16 x1"]
        problems = []
        for name, r in results.items():
            if set(r) != {"text", "segments", "language", "audio_duration"} or not r["segments"]:
                problems.append(f"{name}: malformed result")
                continue
            if r["audio_duration"] != ref["audio_duration"]:
                problems.append(f"{name}: audio_duration {r['audio_duration']} != {ref['audio_duration']}")
            if abs(len(r["segments"]) - len(ref["segments"])) > 1:
                problems.append(f"{name}: {len(r['segments'])} segments vs {len(ref['segments'])}")
            if abs(r["segments"][0]["start"] - ref["segments"][0]["start"]) > 0.5:
                problems.append(f"{name}: first segment starts at {r['segments'][0]['start']}")
        if problems:
            sys.exit("FAIL: " + "; ".join(problems))
        print("ok")


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    main(*sys.argv[1:])
