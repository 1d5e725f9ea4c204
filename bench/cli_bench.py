#!/usr/bin/env python3
"""Whole-command benchmarks, measured in one run on one machine and reported as ratios:

  * marginal executor cost: 200k JSON items through a chain of 1 node and of 11 nodes; the
    difference per extra node per item is the runtime's own cost (JSON parsing cancels out);
  * start-up: process start to printed result for examples/calculator.json;
  * the size of remotemedia.wasm.

Targets: native (serial and default threads), WASI under Node (tools/remotemedia-wasi) and, when
a Python with `wasmtime` is given, WASI under Wasmtime. Usage:
  bench/cli_bench.py [--native build/native/remotemedia] [--wasm build/wasi/remotemedia.wasm]
                     [--wasmtime-python build/venv/bin/python] [--items 200000]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def chain(nodes):
    ns = [{"id": f"n{i}", "node_type": "AddNode" if i % 2 else "MultiplyNode",
           "params": {"addend": 1} if i % 2 else {"factor": 1}} for i in range(nodes)]
    cs = [{"from": f"n{i - 1}", "to": f"n{i}"} for i in range(1, nodes)]
    return {"version": "v1", "metadata": {"name": f"chain{nodes}"}, "nodes": ns, "connections": cs}


def timed(cmd, cwd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr.decode()}")
    return elapsed


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--native", default=os.path.join(REPO, "build/native/remotemedia"), type=os.path.abspath)
    p.add_argument("--wasm", default=os.path.join(REPO, "build/wasi/remotemedia.wasm"), type=os.path.abspath)
    p.add_argument("--wasmtime-python", default="", type=lambda s: os.path.abspath(s) if s else s)
    p.add_argument("--items", type=int, default=200_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()

    targets = {
        "native, 1 thread": [args.native, "--threads", "1"],
        "native, all threads": [args.native],
        "WASI, Node (shim)": ["node", os.path.join(REPO, "tools/remotemedia-wasi"), "--module", args.wasm],
    }
    if args.wasmtime_python:
        targets["WASI, Wasmtime"] = [args.wasmtime_python, os.path.join(REPO, "tools/remotemedia-wasmtime"),
                                     "--module", args.wasm]

    def command(target, *rest):
        base = targets[target]
        # --threads belongs after the subcommand.
        if "--threads" in base:
            return [base[0], *rest, "--threads", "1"]
        return [*base, *rest]

    with tempfile.TemporaryDirectory() as tmp:
        for nodes in (1, 11):
            with open(os.path.join(tmp, f"chain{nodes}.json"), "w") as f:
                json.dump(chain(nodes), f)
        with open(os.path.join(tmp, "items.json"), "w") as f:
            json.dump(list(range(args.items)), f)

        # Interleave targets and repeats, keep the best of each (least disturbed by the machine).
        best = {(t, n): float("inf") for t in targets for n in (1, 11)}
        for _ in range(args.repeat):
            for t in targets:
                for n in (1, 11):
                    cmd = command(t, "run", f"chain{n}.json", "-i", "items.json", "-o", "out.json")
                    best[(t, n)] = min(best[(t, n)], timed(cmd, tmp))

        startup = {t: [] for t in targets}
        calc = os.path.join(REPO, "examples")
        for _ in range(10):
            for t in targets:
                startup[t].append(timed(command(t, "run", "calculator.json", "--input", "[1,2,3]"), calc))

    print(f"Marginal executor cost, {args.items} JSON items, 10 extra nodes (best of {args.repeat}):")
    marginal = {}
    for t in targets:
        ns = (best[(t, 11)] - best[(t, 1)]) * 1e9 / (10 * args.items)
        marginal[t] = ns
        print(f"  {t:22s} 1 node {best[(t, 1)] * 1e3:8.1f} ms   11 nodes {best[(t, 11)] * 1e3:8.1f} ms   "
              f"=> {ns:7.1f} ns per node per item")
    ref = marginal["native, 1 thread"]
    for t in targets:
        if t.startswith("WASI"):
            print(f"  ratio {t} / native 1 thread: {marginal[t] / ref:.2f}x")
    print("Start-up to printed result, examples/calculator.json (median of 10):")
    native_startup = statistics.median(startup["native, 1 thread"])
    for t in targets:
        m = statistics.median(startup[t])
        print(f"  {t:22s} {m * 1e3:8.1f} ms  ({m / native_startup:.1f}x native)")
    print(f"Size of remotemedia.wasm: {os.path.getsize(args.wasm)} bytes")


if __name__ == "__main__":
    main()
