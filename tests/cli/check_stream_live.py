#!/usr/bin/env python3
"""A session (`run M.json --stream`) is live in every runner: one item is pushed, its output must
come out while stdin is still open, and only then is the next item sent. A host that reads stdin
to its end before the module runs (or holds stdout back) never answers the first item: the check
fails when no output arrives within --wait seconds of an item (a deadlock guard, generous so that
a loaded machine does not fail it; a live host answers within the module's start-up time).

Two pipelines: the calculator (the plain module), and Python DataTransformNodes, which the WASI
runners hand to the Python-enabled module after the plain one stops at validation: that one must
still get every item, so the plain module may not have read any.

usage: check_stream_live.py [--wait S] [--python] CLI ["OTHER CLI ..."]...
"""
import argparse
import json
import os
import select
import shlex
import subprocess
import sys
import tempfile

CALCULATOR = {"version": "v1", "nodes": [
    {"id": "mul", "node_type": "MultiplyNode", "params": {"factor": 2}},
    {"id": "add", "node_type": "AddNode", "params": {"addend": 10}}],
    "connections": [{"from": "mul", "to": "add"}]}
PYTHON = {"version": "v1", "nodes": [
    {"id": "inc", "node_type": "DataTransformNode", "params": {"operation": "increment"}},
    {"id": "dbl", "node_type": "DataTransformNode", "params": {"operation": "double"}}],
    "connections": [{"from": "inc", "to": "dbl"}]}
CASES = [("calculator", CALCULATOR, [(1, 12), (2.5, 15.0), (-3, 4)]),
         ("python", PYTHON, [(1, 4), (2.5, 7.0), (-3, -4)])]


def read_line(proc, wait):
    """One stdout line, or None if none comes within `wait` seconds (or stdout closes first)."""
    line = b""
    fd = proc.stdout.fileno()
    while not line.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            return None
        chunk = os.read(fd, 1)
        if not chunk:
            return None
        line += chunk
    return line.decode()


def check(cli, name, manifest, items, wait, tmp):
    path = os.path.join(tmp, f"{name}.json")
    with open(path, "w") as f:
        json.dump(manifest, f)
    proc = subprocess.Popen(shlex.split(cli) + ["run", path, "--stream"], cwd=tmp, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    problem = None
    try:
        for item, want in items:
            proc.stdin.write((json.dumps(item) + "\n").encode())
            proc.stdin.flush()
            line = read_line(proc, wait)
            if line is None:
                problem = (f"no output for item {item!r} within {wait} s while stdin stayed open "
                           "(the host buffers stdin or stdout until the end of input)")
                break
            if json.loads(line) != want:
                problem = f"item {item!r} gave {line.strip()}, want {json.dumps(want)}"
                break
    finally:
        proc.stdin.close()
        if problem:
            proc.kill()
        rest = proc.stdout.read().decode()
        err = proc.stderr.read().decode()
        code = proc.wait()
    if not problem and rest.strip():
        problem = f"more output after the last item: {rest.strip()[:200]}"
    if not problem and code != 0:
        problem = f"exit code {code}: {err.strip()[-500:]}"
    label = f"{name} [{' '.join(os.path.basename(a) for a in shlex.split(cli)[-1:])}]"
    print(("ok " if not problem else "FAIL ") + label + ("" if not problem else ": " + problem))
    return not problem


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--wait", type=float, default=120.0, help="seconds to wait for an item's output")
    p.add_argument("--python", action="store_true", help="also the Python pipeline (the CLIs have Python)")
    p.add_argument("clis", nargs="+")
    args = p.parse_args()
    ok = True
    with tempfile.TemporaryDirectory(prefix="rm-stream-live-") as tmp:
        for cli in args.clis:
            for name, manifest, items in CASES:
                if name == "python" and not args.python:
                    continue
                ok = check(cli, name, manifest, items, args.wait, tmp) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
