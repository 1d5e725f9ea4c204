#!/usr/bin/env python3
"""The Python API's overhead against the CLI, measured in one run.

  1. a one-node pipeline (MultiplyNode) on one scalar: execute_pipeline_with_input (manifest as
     JSON text, and as a dict), Pipeline.run, and `remotemedia run` as a process;
  2. 16 s of 16 kHz mono audio through PassThrough: remotemedia.Audio in and out (no copy) against
     the CLI reading the WAV file (-i) and printing the audio as the __audio__ JSON form.

Run it with the venv that has the package (scripts/test-python makes build/pyenv):
    build/pyenv/bin/python bench/python_api_bench.py [--cli build/native/remotemedia]
Medians of repeated runs; the ratios are CLI / Python API.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import tempfile
import time
import wave

import numpy as np

import remotemedia
from remotemedia import Audio, Pipeline
from remotemedia.nodes import MultiplyNode

ROOT = pathlib.Path(__file__).resolve().parents[1]


def median_ms(fn, repeat):
    fn()  # warm-up: first-use costs (numpy import, registry) are not per-call overhead
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cli", default=os.environ.get("REMOTEMEDIA_CLI", str(ROOT / "build/native/remotemedia")))
    parser.add_argument("--repeat", type=int, default=2000, help="calls per in-process measurement")
    parser.add_argument("--cli-repeat", type=int, default=30, help="CLI processes per measurement")
    args = parser.parse_args()

    scalar_manifest = {"version": "v1", "nodes": [{"id": "m", "node_type": "MultiplyNode", "params": {"factor": 2}}]}
    scalar_text = json.dumps(scalar_manifest)
    pass_manifest = json.dumps({"version": "v1", "nodes": [{"id": "p", "node_type": "PassThrough"}]})
    rate, seconds = 16000, 16
    samples = (0.1 * np.sin(2 * np.pi * 440 * np.arange(rate * seconds) / rate)).astype(np.float32).reshape(-1, 1)
    audio = Audio(samples, rate)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / "scalar.json").write_text(scalar_text)
        (tmp / "pass.json").write_text(pass_manifest)
        with wave.open(str(tmp / "audio.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes((samples[:, 0] * 32767).astype("<i2").tobytes())

        def cli(*argv):
            subprocess.run([args.cli, "run", *argv], check=True, stdout=subprocess.DEVNULL)

        pipeline = Pipeline(MultiplyNode(factor=2))
        assert remotemedia.execute_pipeline_with_input(scalar_text, [21])["outputs"] == [42]
        rows = [
            ("scalar, execute_pipeline_with_input (JSON text)",
             median_ms(lambda: remotemedia.execute_pipeline_with_input(scalar_text, [1]), args.repeat)),
            ("scalar, execute_pipeline_with_input (dict)",
             median_ms(lambda: remotemedia.execute_pipeline_with_input(scalar_manifest, [1]), args.repeat)),
            ("scalar, Pipeline.run", median_ms(lambda: pipeline.run([1]), args.repeat)),
            ("scalar, CLI process (remotemedia run --input)",
             median_ms(lambda: cli(str(tmp / "scalar.json"), "--input", "[1]"), args.cli_repeat)),
        ]
        (out,) = remotemedia.execute_pipeline_with_input(pass_manifest, [audio])["outputs"]
        assert np.shares_memory(out.samples, samples)
        rows += [
            (f"{seconds} s audio, execute_pipeline_with_input (Audio)",
             median_ms(lambda: remotemedia.execute_pipeline_with_input(pass_manifest, [audio]), args.repeat // 4)),
            (f"{seconds} s audio, CLI process (-i WAV, __audio__ JSON out)",
             median_ms(lambda: cli(str(tmp / "pass.json"), "-i", str(tmp / "audio.wav")), args.cli_repeat)),
        ]

    width = max(len(name) for name, _ in rows)
    for name, ms in rows:
        print(f"{name:<{width}}  {ms * 1000:10.1f} us")
    print(f"scalar: CLI / execute_pipeline_with_input = {rows[3][1] / rows[0][1]:.0f}x "
          f"(Pipeline.run: {rows[3][1] / rows[2][1]:.0f}x)")
    print(f"audio:  CLI / execute_pipeline_with_input = {rows[5][1] / rows[4][1]:.0f}x")


if __name__ == "__main__":
    main()
