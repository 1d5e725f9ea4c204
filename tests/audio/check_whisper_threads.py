#!/usr/bin/env python3
"""Whisper in the wasm threads build (build/wasi-python-threads) with 2 and 4 threads: ggml's thread
pool runs on the runner's worker threads over one shared memory. On the conformance case's speech,
the tokens and timestamps must be the case's expected ones, as they are natively with the same
thread count.

Usage: check_whisper_threads.py NATIVE_CLI WASI_RUNNER CASE_DIR
(WASI_RUNNER: tools/remotemedia-wasi with its node options; the module is given explicitly, so a
missing or broken threads build fails here rather than falling back to another module)
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE = os.path.join(REPO, "build", "wasi-python-threads", "remotemedia-python.wasm")


def run(command, cwd):
    out = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        sys.exit(f"{' '.join(command)}: exit {out.returncode}: {out.stderr}")
    return json.loads(out.stdout)["outputs"]


def main(native, runner, case_dir):
    with open(os.path.join(case_dir, "manifest.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(case_dir, "expected.json")) as f:
        expected = json.load(f)["outputs"]
    problems = []
    with tempfile.TemporaryDirectory(dir=os.path.join(REPO, "build")) as tmp:
        for threads in (2, 4):
            for node in manifest["nodes"]:
                if node["node_type"] == "WhisperNode":
                    node["params"]["n_threads"] = threads
                    node["params"]["model"] = os.path.join(REPO, "build", "models", os.path.basename(node["params"]["model"]))
            path = os.path.join(tmp, f"whisper-{threads}.json")
            with open(path, "w") as f:
                json.dump(manifest, f)
            wav = os.path.join(case_dir, "in.wav")
            results = {
                "native": run([native, "run", path, "-i", wav], tmp),
                "wasm": run(shlex.split(runner) + ["--dir", case_dir, "--dir", tmp, "--threads", str(threads),
                                                   "--module", MODULE, "run", path, "-i", wav], tmp),
            }
            for name, outputs in results.items():
                print(f"{name:6s} {threads} threads: {json.dumps(outputs)[:150]}")
                if outputs != expected:
                    problems.append(f"{name} with {threads} threads: {json.dumps(outputs)} != expected {json.dumps(expected)}")
    if problems:
        sys.exit("FAIL: " + "; ".join(problems))
    print("ok")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
