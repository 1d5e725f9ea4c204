#!/usr/bin/env python3
"""Hostile inputs and failing outputs against every CLI (issue #16): each check is named after the
failure it guards against, and runs natively and, when given, through the WASI runners.

  stdout to a full disk exited 0             -> exit 3, stdout_not_writable, no stack trace
  terminal escapes in a node id were printed  -> escaped as \\xNN (inspect's printable)
  a 10 MB param value was echoed whole        -> clipped
  invalid UTF-8 in a manifest was accepted    -> malformed_json
  keygen --force kept a world-readable key    -> the secret key is 0600 (native)
  pack -o INPUT destroyed the input           -> refused, the input intact (native)
  SIGINT/SIGTERM during run PKG left its folder in $TMPDIR -> removed (native)
  a pipeline's Python appended to the guest /usr (remotemedia/__init__.py), which later runs
  trusted and `pack` shipped              -> /usr is read-only (WASI runners, Python module)

usage: check_cli_failures.py NATIVE_CLI ["OTHER CLI ..."]...
"""
import json
import os
import shlex
import signal
import stat
import subprocess
import sys
import tempfile
import time

FAILURES = []

CALCULATOR = {"version": "v1", "metadata": {"name": "calculator"},
              "nodes": [{"id": "m", "node_type": "MultiplyNode", "params": {"factor": 2}}]}


def run(cli, args, cwd, stdout=subprocess.PIPE):
    return subprocess.run(shlex.split(cli) + args, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, timeout=300)


def check(name, cli, ok, detail):
    label = f"{name} [{os.path.basename(shlex.split(cli)[-1])}]"
    if ok:
        print(f"ok {label}")
    else:
        FAILURES.append(f"{label}: {detail}")


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f)


def stdout_to_a_full_disk_is_an_error(cli, work):
    with open("/dev/full", "wb") as full:
        p = run(cli, ["run", "calc.json", "--input", "[1]"], work, stdout=full)
    err = p.stderr.decode()
    check("stdout to a full disk is an error", cli,
          p.returncode == 3 and "cannot write the output to stdout: No space left on device" in err and "    at " not in err,
          f"exit {p.returncode}, stderr {err[-500:]!r}")


def terminal_escapes_in_a_node_id_are_not_printed(cli, work):
    manifest = {"version": "v1", "nodes": [{"id": "\x1b]0;owned\x07\x1b[2J", "node_type": "NoSuchNode"}]}
    write_json(os.path.join(work, "escape.json"), manifest)
    p = run(cli, ["validate", "escape.json"], work)
    err = p.stderr.decode(errors="replace")
    check("terminal escapes in a node id are not printed", cli,
          p.returncode == 3 and "\x1b" not in err and "\x07" not in err and "\\x1b]0;owned\\x07" in err,
          f"exit {p.returncode}, stderr {err[:500]!r}")


def a_huge_param_value_is_not_echoed_whole(cli, work):
    value = "x" * (10 << 20)
    manifest = {"version": "v1", "nodes": [{"id": "c", "node_type": "CalculatorNode", "params": {"operation": value}}]}
    write_json(os.path.join(work, "huge.json"), manifest)
    for extra in ([], ["--error-format", "json"]):
        p = run(cli, ["validate", "huge.json", *extra], work)
        check(f"a huge param value is not echoed whole {' '.join(extra)}".strip(), cli,
              p.returncode == 3 and len(p.stderr) < 10000 and b"bytes in all" in p.stderr,
              f"exit {p.returncode}, {len(p.stderr)} bytes on stderr")


def invalid_utf8_in_a_manifest_is_refused(cli, work):
    with open(os.path.join(work, "latin1.json"), "wb") as f:
        f.write(b'{"version": "v1", "metadata": {"name": "caf\xe9"}, "nodes": [{"id": "p", "node_type": "PassThrough"}]}')
    p = run(cli, ["validate", "latin1.json", "--error-format", "json"], work)
    lines = [l for l in p.stderr.decode(errors="replace").splitlines() if l.startswith("{")]
    error = json.loads(lines[-1])["error"] if lines else {}
    check("invalid UTF-8 in a manifest is refused", cli,
          p.returncode == 3 and error.get("code") == "malformed_json" and "invalid UTF-8" in error.get("message", ""),
          f"exit {p.returncode}, stderr {p.stderr[:500]!r}")


def keygen_force_makes_a_readable_secret_key_private(cli, work):
    run(cli, ["keygen", "-o", "force"], work)
    os.chmod(os.path.join(work, "force.key"), 0o644)
    p = run(cli, ["keygen", "-o", "force", "--force"], work)
    mode = stat.S_IMODE(os.stat(os.path.join(work, "force.key")).st_mode)
    check("keygen --force makes a readable secret key private", cli, p.returncode == 0 and mode == 0o600,
          f"exit {p.returncode}, mode {oct(mode)}")


def pack_never_writes_over_an_input(cli, work):
    run(cli, ["keygen", "-o", "k"], work)
    for target in ("k.key", "calc.json", os.path.join("wasm", "remotemedia.wasm")):
        before = open(os.path.join(work, target), "rb").read()
        p = run(cli, ["pack", "calc.json", "--wasm-dir", "wasm", "--sign", "k.key", "-o", target], work)
        after = open(os.path.join(work, target), "rb").read()
        check(f"pack never writes over an input ({target})", cli,
              p.returncode == 2 and b"is an input" in p.stderr and after == before,
              f"exit {p.returncode}, stderr {p.stderr[:300]!r}, changed: {after != before}")
    leftovers = [n for n in os.listdir(work) if "partial" in n]
    check("pack leaves no temporary file", cli, not leftovers, f"left {leftovers}")


def a_stopped_package_run_leaves_no_folder(cli, work):
    p = run(cli, ["pack", "calc.json", "--wasm-dir", "wasm", "-o", "calc.rmpkg"], work)
    if p.returncode != 0:
        FAILURES.append(f"pack for the signal check: {p.stderr[:300]!r}")
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        tmp = tempfile.mkdtemp(dir=work)
        # -i /dev/stdin: the run blocks reading its input, after the package is unpacked.
        proc = subprocess.Popen(shlex.split(cli) + ["run", "calc.rmpkg", "--allow-unsigned", "-i", "/dev/stdin"],
                                cwd=work, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=dict(os.environ, TMPDIR=tmp))
        deadline = time.monotonic() + 60
        while not os.listdir(tmp) and time.monotonic() < deadline:
            time.sleep(0.05)
        unpacked = os.listdir(tmp)
        proc.send_signal(sig)
        proc.wait(timeout=60)  # stdin stays open: the run ends by the signal, not by end of input
        proc.stdin.close()
        left = os.listdir(tmp)
        check(f"a package run stopped by {sig.name} leaves no folder", cli,
              unpacked and not left and proc.returncode == -sig,
              f"unpacked {unpacked}, left {left}, exit {proc.returncode}")


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUEST_USR = os.path.join(REPO, "build", "wasi-python", "wasi-deps", "usr")


def python_cannot_change_the_guest_usr(cli, work):
    target = os.path.join(GUEST_USR, "lib", "remotemedia", "remotemedia", "__init__.py")
    if not os.path.exists(target):
        print(f"skip python cannot change the guest /usr (no {target}: build the wasi-python preset)")
        return
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "usr_write_probe.py")) as f:
        code = f.read()
    manifest = {"version": "v1", "nodes": [{"id": "p", "node_type": "PythonNode", "params": {"code": code, "class": "Probe"}}]}
    write_json(os.path.join(work, "usr.json"), manifest)
    before = open(target, "rb").read()
    listing = sorted(os.listdir(os.path.dirname(target)))
    p = run(cli, ["run", "usr.json", "--input", json.dumps(["/usr/lib/remotemedia/remotemedia/__init__.py", "/usr/lib/remotemedia/remotemedia/"])], work)
    outputs = json.loads(p.stdout).get("outputs") if p.returncode == 0 else None
    check("python cannot change the guest /usr", cli,
          outputs is not None and "written" not in outputs and open(target, "rb").read() == before
          and sorted(os.listdir(os.path.dirname(target))) == listing,
          f"exit {p.returncode}, outputs {outputs}, stderr {p.stderr[-300:]!r}")


def main(argv):
    if not argv:
        sys.exit(__doc__)
    native, others = argv[0], argv[1:]
    with tempfile.TemporaryDirectory() as work:
        write_json(os.path.join(work, "calc.json"), CALCULATOR)
        os.mkdir(os.path.join(work, "wasm"))
        with open(os.path.join(work, "wasm", "remotemedia.wasm"), "wb") as f:
            f.write(b"\0asm\1\0\0\0")
        for cli in [native, *others]:
            stdout_to_a_full_disk_is_an_error(cli, work)
            terminal_escapes_in_a_node_id_are_not_printed(cli, work)
            a_huge_param_value_is_not_echoed_whole(cli, work)
            invalid_utf8_in_a_manifest_is_refused(cli, work)
        for cli in others:
            python_cannot_change_the_guest_usr(cli, work)
        keygen_force_makes_a_readable_secret_key_private(native, work)
        pack_never_writes_over_an_input(native, work)
        a_stopped_package_run_leaves_no_folder(native, work)
    for f in FAILURES:
        print("FAIL " + f)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
