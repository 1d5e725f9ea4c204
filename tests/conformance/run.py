#!/usr/bin/env python3
"""Runs one conformance case (a folder) through a remotemedia command and checks the result.

A case folder holds:
  manifest.json         the pipeline (may be malformed on purpose)
  input.json            optional input items, passed with -i
  stdin.json            optional request for `run -` (manifest or {"manifest","input_data"})
  args.json             optional: {"command": [...]} replacing the default arguments
                        ({manifest} and {input} are substituted)
  expected.json         success: the keys it has ("outputs", "graph_info", ...) must match exactly
  expected_error.json   failure: {"exit_code": N, "error": {fields that must match}}

The command runs in the case folder, so paths are relative (the WASI runner maps that folder).
Values are compared strictly: 1 and 1.0 differ, as they do in the runtime's JSON.

With --stream the case runs as a session instead (`run manifest.json --stream`, the items of
input.json as NDJSON on stdin) and must print exactly the expected outputs, one per line, or end
with the expected runtime error: a session gives the outputs of a batch run. Cases that a session
cannot take (args.json, stdin.json, a WAV input, errors about the input as a whole) are skipped.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys


def strict_equal(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a.keys()) == list(b.keys()) and all(strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b))
    return a == b


def case_command(case_dir):
    has = lambda name: os.path.exists(os.path.join(case_dir, name))
    if has("args.json"):
        with open(os.path.join(case_dir, "args.json")) as f:
            spec = json.load(f)
        return [a.replace("{manifest}", "manifest.json").replace("{input}", "input.json") for a in spec["command"]]
    if has("stdin.json"):
        return ["run", "-", "--error-format", "json"]
    command = ["run", "manifest.json", "--error-format", "json"]
    if has("input.json"):
        command += ["-i", "input.json"]
    return command


def stream_items(case_dir):
    """The items of input.json as NDJSON, each item's text as written (1.0 stays 1.0), or None
    when the case is not one a session can take."""
    has = lambda name: os.path.exists(os.path.join(case_dir, name))
    if has("args.json") or has("stdin.json") or not has("input.json"):
        return None
    if has("expected.json"):
        with open(os.path.join(case_dir, "expected.json")) as f:
            if "outputs" not in json.load(f):
                return None
    if has("expected_error.json"):
        with open(os.path.join(case_dir, "expected_error.json")) as f:
            if json.load(f)["exit_code"] != 4:  # only node failures happen the same way in a session
                return None
    text = open(os.path.join(case_dir, "input.json"), "rb").read()
    if text[:4] == b"RIFF":
        return None
    text = text.decode()
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    lines = []
    while True:
        while text[pos] in " \t\r\n,":
            pos += 1
        if text[pos] == "]":
            return ("".join(line + "\n" for line in lines)).encode()
        _, end = decoder.raw_decode(text, pos)
        lines.append(text[pos:end].replace("\n", " "))  # JSON strings hold no raw newlines
        pos = end


def run_case(cli, case_dir, stream=False):
    """Returns (exit_code, stdout, stderr) of the case under `cli`."""
    stdin_path = os.path.join(case_dir, "stdin.json")
    stdin = open(stdin_path, "rb").read() if os.path.exists(stdin_path) else b""
    command = case_command(case_dir)
    if stream:
        stdin = stream_items(case_dir)
        command = ["run", "manifest.json", "--stream", "--error-format", "json"]
    # Python nodes must not leave __pycache__ folders in the case folders.
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(shlex.split(cli) + command, cwd=case_dir, input=stdin,
                          capture_output=True, timeout=600, env=env)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def check(case_dir, code, out, err, stream=False):
    """Returns a list of problems (empty when the case passes)."""
    problems = []
    expected_path = os.path.join(case_dir, "expected.json")
    error_path = os.path.join(case_dir, "expected_error.json")
    if os.path.exists(expected_path):
        with open(expected_path) as f:
            expected = json.load(f)
        if code != 0:
            return [f"exit code {code}, expected 0; stderr: {err.strip()}"]
        try:
            result = json.loads(out) if not stream else {"outputs": [json.loads(line) for line in out.splitlines()]}
        except json.JSONDecodeError as e:
            return [f"stdout is not JSON ({e}): {out[:500]}"]
        if stream:
            expected = {"outputs": expected["outputs"]}
        for key, want in expected.items():
            if not strict_equal(result.get(key), want):
                problems.append(f"{key}: got {json.dumps(result.get(key))[:2000]}, expected {json.dumps(want)[:2000]}")
    elif os.path.exists(error_path):
        with open(error_path) as f:
            expected = json.load(f)
        if code != expected["exit_code"]:
            problems.append(f"exit code {code}, expected {expected['exit_code']}; stderr: {err.strip()[:2000]}")
        if out.strip() and not stream:  # a session has printed the outputs before the failure
            problems.append(f"stdout must stay empty on error, got: {out[:500]}")
        if "error" in expected:
            lines = [line for line in err.splitlines() if line.startswith("{")]
            if not lines:
                return problems + [f"no JSON error object on stderr: {err[:2000]}"]
            error = json.loads(lines[-1]).get("error", {})
            for key, want in expected["error"].items():
                if key == "message_contains":
                    if want not in error.get("message", ""):
                        problems.append(f"message {error.get('message')!r} does not contain {want!r}")
                elif not strict_equal(error.get(key), want):
                    problems.append(f"error.{key}: got {json.dumps(error.get(key))}, expected {json.dumps(want)}")
    else:
        problems.append("the case has neither expected.json nor expected_error.json")
    return problems


TIMING = re.compile(r'"execution_time_ms":[-0-9.eE+]+')


def parity(reference, actual):
    """Problems where `actual` differs from `reference` beyond the timing field."""
    problems = []
    names = ("exit code", "stdout", "stderr")
    for name, want, got in zip(names, reference, actual):
        if name != "exit code":
            want, got = TIMING.sub('"execution_time_ms":T', want), TIMING.sub('"execution_time_ms":T', got)
        if want != got:
            problems.append(f"differs from the reference in {name}:\n    reference: {str(want)[:1000]!r}\n    actual:    {str(got)[:1000]!r}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", required=True, help="the command to test, e.g. build/native/remotemedia")
    parser.add_argument("--reference-cli", help="also require byte-identical results to this command (e.g. native)")
    parser.add_argument("--stream", action="store_true", help="run the case as a session (run --stream)")
    parser.add_argument("case", help="the case folder")
    args = parser.parse_args()
    case_dir = os.path.abspath(args.case)
    name = os.path.basename(case_dir)
    if args.stream and stream_items(case_dir) is None:
        print(f"skip {name}: not a case a session can take")
        return 0
    code, out, err = run_case(args.cli, case_dir, args.stream)
    problems = check(case_dir, code, out, err, args.stream)
    if args.reference_cli:
        problems += parity(run_case(args.reference_cli, case_dir, args.stream), (code, out, err))
    if problems:
        print(f"FAIL {name}")
        for p in problems:
            print("  " + p)
        return 1
    print(f"ok {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
