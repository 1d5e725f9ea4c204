#!/usr/bin/env python3
"""The example packages (scripts/pack-examples) verify and run natively and under WASI, with the
same outputs; Debian's minisign accepts their signatures; packing twice gives the same bytes.

usage: check_examples.py EXAMPLES_DIR NATIVE_CLI ["WASI CLI" ...]
"""
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

INPUTS = {
    "calculator": ["--input", "[1, 2, 3]"],
    "text-processor": ["--input", '[{"text": "Hello World", "operations": ["uppercase"]}]'],
    "transcribe": ["-i", "{wav}"],
}


def run(cli, args, cwd=None):
    p = subprocess.run(shlex.split(cli) + args, capture_output=True, text=True, cwd=cwd, timeout=600)
    return p.returncode, p.stdout, p.stderr


def outputs(stdout):
    result = json.loads(stdout)
    result.pop("execution_time_ms", None)
    return result


def main():
    examples, clis = sys.argv[1], sys.argv[2:]
    key = os.path.join(examples, "keys", "demo.pub")
    failures = []
    work = tempfile.mkdtemp(prefix="rm-examples-")
    # Real speech for the real model (tools/fetch-whisper-model puts whisper.cpp's sample beside it)
    shutil.copy(os.path.join(examples, "..", "models", "jfk.wav"), os.path.join(work, "speech.wav"))
    for name, args in INPUTS.items():
        pkg = os.path.join(examples, name + ".rmpkg")
        args = [a.replace("{wav}", "speech.wav") for a in args]  # relative: WASI hosts map the current folder
        results = []
        for cli in clis:
            code, out, err = run(cli, ["verify", pkg, "--trusted-key", key])
            if code != 0 or json.loads(out)["signature"] != "trusted":
                failures.append(f"{name}: {cli} verify: exit {code} {err.strip()}")
            code, out, err = run(cli, ["run", os.path.abspath(pkg), "--trusted-key", os.path.abspath(key), *args], cwd=work)
            if code != 0:
                failures.append(f"{name}: {cli} run: exit {code} {err.strip()}")
                continue
            results.append(outputs(out))
            print(f"ok   {name}: {cli.split()[-1]}: {json.dumps(results[-1]['outputs'])[:100]}")
        if any(r != results[0] for r in results):
            failures.append(f"{name}: outputs differ between runners: {results}")
        if results and name == "calculator" and results[0]["outputs"] != [12, 14, 16]:
            failures.append(f"calculator: {results[0]['outputs']}")
        if results and name == "text-processor" and results[0]["outputs"][0]["results"].get("uppercase") != "HELLO WORLD":
            failures.append(f"text-processor: {results[0]['outputs']}")
        if results and name == "transcribe" and "ask not what your country" not in results[0]["outputs"][0]["text"]:
            failures.append(f"transcribe: not JFK's words: {results[0]['outputs']}")

        # A standard tool checks the same signature over the digest list.
        if shutil.which("minisign"):
            code, digests, err = run(clis[0], ["inspect", "--digests", pkg])
            subprocess.run(["unzip", "-o", "-q", pkg, "meta/signature.sig", "-d", work], check=True)
            with open(os.path.join(work, "digests"), "w") as f:
                f.write(digests)
            p = subprocess.run(["minisign", "-V", "-p", key, "-m", os.path.join(work, "digests"),
                                "-x", os.path.join(work, "meta", "signature.sig")], capture_output=True, text=True)
            if p.returncode != 0:
                failures.append(f"{name}: minisign -V refuses the signature: {p.stderr.strip()}")
            else:
                print(f"ok   {name}: minisign -V: {p.stdout.strip().splitlines()[0]}")

    # The pipeline's own Python modules (python.paths, PythonNode files) travel in python/.
    cases = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conformance", "cases")
    for case in ("python-streaming-generator", "python-generic-file"):
        pkg = os.path.join(work, case + ".rmpkg")
        subprocess.run(shlex.split(clis[0]) + ["pack", os.path.join(cases, case, "manifest.json"), "-o", pkg],
                       check=True, capture_output=True)
        shutil.copy(os.path.join(cases, case, "input.json"), os.path.join(work, "input.json"))
        with open(os.path.join(cases, case, "expected.json")) as f:
            expected = json.load(f)
        for cli in clis:
            code, out, err = run(cli, ["run", pkg, "--allow-unsigned", "-i", "input.json"], cwd=work)
            if code != 0 or json.loads(out)["outputs"] != expected["outputs"]:
                failures.append(f"{case}: {cli}: exit {code} {err.strip()} {out[:200]}")
            else:
                print(f"ok   {case} (user Python module packaged): {cli.split()[-1]}")

    # Reproducible: the same inputs (manifest, module, key, SOURCE_DATE_EPOCH) give the same bytes.
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    manifest = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "transcribe.json")
    packed = []
    for i in range(2):
        out = os.path.join(work, f"again-{i}.rmpkg")
        subprocess.run(shlex.split(clis[0]) + ["pack", manifest, "--sign", os.path.join(examples, "keys", "demo.key"),
                                               "-o", out], check=True, env=env, capture_output=True)
        packed.append(open(out, "rb").read())
    if packed[0] != packed[1]:
        failures.append("packing transcribe twice gave different bytes")
    else:
        print(f"ok   reproducible: two packs of transcribe are identical ({len(packed[0])} bytes)")
    shutil.rmtree(work)
    if failures:
        print("\n".join("FAIL " + f for f in failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
