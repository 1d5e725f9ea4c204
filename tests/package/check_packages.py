#!/usr/bin/env python3
"""Bad packages against every package reader (the native CLI, the WASI runner's host).

Each case builds a bad .rmpkg and checks that `verify` and `run` refuse it with exit code 3 and
a message that names the problem, and that nothing is written outside the package's folder.
The packages come from the native CLI (a calculator pipeline, signed with a fresh key); the bad
ones are made with Python's zipfile (another writer) or a byte-exact canonical writer below.

usage: check_packages.py NATIVE_CLI "OTHER CLI ..." [...] --manifest M --wasm-dir D
"""
import argparse
import json
import os
import shlex
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

FAILURES = []


def run(cli, args, cwd):
    p = subprocess.run(shlex.split(cli) + args, cwd=cwd, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def canonical_zip(path, files):
    """The layout `remotemedia pack` writes (src/package/zip.hpp), for refiled packages."""
    local, central, offset = b"", b"", 0
    for name in sorted(files, key=lambda n: n if isinstance(n, bytes) else n.encode()):
        data, raw = files[name], name if isinstance(name, bytes) else name.encode()
        crc = zlib.crc32(data)
        head = struct.pack("<IHHHHHIIIHH", 0x04034B50, 10, 0x0800, 0, 0, 0x21, crc, len(data), len(data), len(raw), 0)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 30, 10, 0x0800, 0, 0, 0x21, crc,
                               len(data), len(data), len(raw), 0, 0, 0, 0, 0o100644 << 16, offset) + raw
        local += head + raw + data
        offset += len(head) + len(raw) + len(data)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(files), len(files), len(central), offset, 0)
    with open(path, "wb") as f:
        f.write(local + central + end)


def contents(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def expect_refused(clis, case, pkg, needle, work, extra=(), outside=()):
    for cli in clis:
        for command in (["verify", pkg, "--trusted-key", "k.pub", *extra],
                        ["run", pkg, "--trusted-key", "k.pub", "--input", "[1]", *extra]):
            code, out, err = run(cli, command, work)
            label = f"{case}: {cli.split()[-1]} {command[0]}"
            if code != 3 or needle not in err or out:
                FAILURES.append(f"{label}: exit {code}, stderr {err.strip()!r}, stdout {out.strip()!r} "
                                f"(expected exit 3 and {needle!r})")
            else:
                print(f"ok   {label}: {err.strip().splitlines()[0]}")
            for p in outside:
                if os.path.lexists(p):
                    FAILURES.append(f"{label}: wrote {p} outside the package's folder")
                    os.remove(p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("clis", nargs="+", help="CLIs to check; the first is the native one (it packs)")
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--wasm-dir", help="where remotemedia.wasm is (default: a stand-in, for native-only checks)")
    a = ap.parse_args()
    native = a.clis[0]
    work = tempfile.mkdtemp(prefix="rm-bad-packages-")
    if not a.wasm_dir:
        a.wasm_dir = os.path.join(work, "wasm")
        os.mkdir(a.wasm_dir)
        with open(os.path.join(a.wasm_dir, "remotemedia.wasm"), "wb") as f:
            f.write(b"\0asm\1\0\0\0" + bytes(200))
    run(native, ["keygen", "-o", "k"], work)
    run(native, ["keygen", "-o", "other"], work)
    code, _, err = run(native, ["pack", os.path.abspath(a.manifest), "--sign", "k.key", "--wasm-dir",
                                os.path.abspath(a.wasm_dir), "--model", os.path.abspath(a.manifest), "-o", "good.rmpkg"], work)
    if code != 0:
        sys.exit(f"cannot pack the base package: {err}")
    good = contents(os.path.join(work, "good.rmpkg"))
    raw = open(os.path.join(work, "good.rmpkg"), "rb").read()

    def write(name, data):
        with open(os.path.join(work, name), "wb") as f:
            f.write(data)
        return name

    def with_zipfile(name, entries, compression=zipfile.ZIP_STORED):
        with zipfile.ZipFile(os.path.join(work, name), "w", compression) as z:
            for info, data in entries:
                z.writestr(info, data)
        return name

    def zinfo(name, mode=0o100644):
        i = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
        i.create_system = 3
        i.external_attr = mode << 16
        return i

    clis = a.clis
    # The good package passes everywhere, and runs.
    for cli in clis:
        code, out, err = run(cli, ["run", "good.rmpkg", "--trusted-key", "k.pub", "--input", "[1, 2, 3]"], work)
        if code != 0 or json.loads(out)["outputs"] != [12, 14, 16]:
            FAILURES.append(f"good package: {cli}: exit {code} {out} {err}")

    module_at = raw.find(b"\0asm")
    flipped = bytearray(raw)
    flipped[module_at + 100] ^= 1
    expect_refused(clis, "one byte changed in the module", write("byte.rmpkg", bytes(flipped)), "CRC-32 mismatch", work)
    digest_at = raw.find(b'"manifest.json": "') + len('"manifest.json": "')
    flipped = bytearray(raw)
    flipped[digest_at] = ord("0") if flipped[digest_at] != ord("0") else ord("1")
    expect_refused(clis, "one byte changed in the provenance", write("prov.rmpkg", bytes(flipped)), "CRC-32 mismatch", work)

    added = dict(good, **{"models/extra.bin": b"\1\2\3"})
    canonical_zip(os.path.join(work, "added.rmpkg"), added)
    expect_refused(clis, "a file added", "added.rmpkg", "not listed in the provenance", work)
    removed = {n: d for n, d in good.items() if not n.startswith("models/")}
    canonical_zip(os.path.join(work, "removed.rmpkg"), removed)
    expect_refused(clis, "a file removed", "removed.rmpkg", "missing from the package", work)

    for cli in clis:
        code, out, err = run(cli, ["verify", "good.rmpkg", "--trusted-key", "other.pub"], work)
        if code != 3 or "not among the trusted keys" not in err:
            FAILURES.append(f"wrong key: {cli}: exit {code}, {err.strip()!r}")
        else:
            print(f"ok   wrong key: {cli.split()[-1]}: {err.strip()}")

    outside = os.path.join(os.path.dirname(work), "rm-evil-" + os.path.basename(work))
    expect_refused(clis, "path traversal", with_zipfile("traversal.rmpkg", [(zinfo("../" + os.path.basename(outside)), b"x")]
                   + [(zinfo(n), d) for n, d in good.items()]), "unsafe path: path traversal", work, outside=[outside])
    abs_target = outside + "-abs"
    expect_refused(clis, "absolute path", with_zipfile("absolute.rmpkg", [(zinfo(abs_target), b"x")]),
                   "unsafe path: absolute path", work, outside=[abs_target])
    expect_refused(clis, "symlink", with_zipfile("symlink.rmpkg", [(zinfo("models/link", 0o120777), b"/etc/passwd")]),
                   "is a symbolic link", work)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expect_refused(clis, "duplicate names", with_zipfile("dup.rmpkg", [(zinfo("manifest.json"), b"{}"),
                                                                            (zinfo("manifest.json"), b"{}")]),
                       "appears twice", work)
    expect_refused(clis, "names equal but for case", with_zipfile("case.rmpkg", [(zinfo("MANIFEST.json"), b"{}"),
                                                                                  (zinfo("manifest.json"), b"{}")]),
                   "appears twice", work)
    bomb = zinfo("models/bomb.bin")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    expect_refused(clis, "decompression bomb (200 MB of zeros deflated)",
                   with_zipfile("bomb.rmpkg", [(bomb, bytes(200 << 20))], zipfile.ZIP_DEFLATED), "is compressed", work)
    expect_refused(clis, "over the size cap", "good.rmpkg", "more than the limit of 1000 bytes", work,
                   extra=["--max-size", "1000"])
    expect_refused(clis, "truncated", write("truncated.rmpkg", raw[: len(raw) // 2]), "truncated", work)
    expect_refused(clis, "not a zip", write("text.rmpkg", b"just some text, not a package\n" * 10), "not a package", work)
    expect_refused(clis, "appended data", write("appended.rmpkg", raw + b"PK\5\6 extra"), "after the zip end record", work)

    # A manifest that names a model the package lacks (refiled unsigned, provenance updated).
    import hashlib
    manifest = json.loads(good["manifest.json"])
    manifest["nodes"][0] = {"id": "w", "node_type": "WhisperNode", "params": {"model": "models/gone.bin"}}
    missing = {n: d for n, d in good.items() if not n.startswith("meta/sig")}
    missing["manifest.json"] = json.dumps(manifest).encode()
    prov = json.loads(good["meta/provenance.json"])
    prov["files"] = {n: hashlib.sha256(d).hexdigest() for n, d in missing.items() if n != "meta/provenance.json"}
    missing["meta/provenance.json"] = json.dumps(prov).encode()
    canonical_zip(os.path.join(work, "missing-model.rmpkg"), missing)
    expect_refused(clis, "manifest refers to a missing model", "missing-model.rmpkg", "which is not in the package", work,
                   extra=["--allow-unsigned"])

    # Names no reader can agree on or extract.
    canonical_zip(os.path.join(work, "file-and-folder.rmpkg"), dict(good, **{"models/a": b"1", "models/a/b": b"2"}))
    expect_refused(clis, "a file that is also a folder", "file-and-folder.rmpkg", "is both a file and a folder", work)
    canonical_zip(os.path.join(work, "latin1.rmpkg"), {**good, b"models/caf\xe9.bin": b"1"})
    expect_refused(clis, "a name that is not UTF-8", "latin1.rmpkg", "name is not valid UTF-8", work)
    # The signature file's unsigned lines (minisign's untrusted comment) are held to one spelling too.
    sig = good["meta/signature.sig"].split(b"\n", 1)
    canonical_zip(os.path.join(work, "comment.rmpkg"),
                  dict(good, **{"meta/signature.sig": b"untrusted comment: \x1b[31mtrusted!\n" + sig[1]}))
    expect_refused(clis, "a changed untrusted comment", "comment.rmpkg", "unsigned lines were changed", work)

    # inspect shows any intact package, and a crafted provenance does not trip it.
    unsigned = {n: d for n, d in good.items() if not n.startswith("meta/sig")}
    prov = json.loads(good["meta/provenance.json"])
    prov["files"] = {n: p for n, p in prov["files"].items() if not n.startswith("meta/sig")}
    prov.update(third_party=5, builder="x", created=["\x1b[2J"])
    unsigned["meta/provenance.json"] = json.dumps(prov).encode()
    canonical_zip(os.path.join(work, "odd-provenance.rmpkg"), unsigned)
    for cli in clis:
        code, out, err = run(cli, ["inspect", "odd-provenance.rmpkg"], work)
        if code != 0 or "\x1b" in out or "signature  unsigned" not in out:
            FAILURES.append(f"inspect with a crafted provenance: {cli}: exit {code} {err.strip()!r} {out!r}")
        else:
            print(f"ok   inspect with a crafted provenance: {cli.split()[-1]}")

    # A name with line breaks still makes a package that verifies (the signature file is line-based).
    with open(os.path.join(a.manifest)) as f:
        odd = json.load(f)
    odd["metadata"] = {"name": "two\nlines\r"}
    with open(os.path.join(work, "odd.json"), "w") as f:
        json.dump(odd, f)
    code, _, err = run(native, ["pack", "odd.json", "--sign", "k.key", "--wasm-dir", os.path.abspath(a.wasm_dir),
                                "-o", "odd.rmpkg"], work)
    for cli in clis:
        vcode, out, verr = run(cli, ["verify", "odd.rmpkg", "--trusted-key", "k.pub"], work)
        if code != 0 or vcode != 0:
            FAILURES.append(f"a name with line breaks: pack exit {code} {err.strip()!r}, {cli} verify exit {vcode} {verr.strip()!r}")
        else:
            print(f"ok   a name with line breaks packs and verifies: {cli.split()[-1]}")

    # Unsigned: refused unless --allow-unsigned.
    code, _, err = run(native, ["pack", os.path.abspath(a.manifest), "--wasm-dir", os.path.abspath(a.wasm_dir), "-o",
                                "unsigned.rmpkg"], work)
    for cli in clis:
        code, out, err = run(cli, ["run", "unsigned.rmpkg", "--input", "[1]"], work)
        ok_code, ok_out, _ = run(cli, ["run", "unsigned.rmpkg", "--allow-unsigned", "--input", "[1]"], work)
        if code != 3 or "not signed" not in err or ok_code != 0 or json.loads(ok_out)["outputs"] != [12]:
            FAILURES.append(f"unsigned: {cli}: exit {code} {err.strip()!r}; with --allow-unsigned exit {ok_code}")
        else:
            print(f"ok   unsigned: {cli.split()[-1]}: {err.strip()}")

    # pack refuses a manifest whose model file does not exist.
    with open(os.path.join(work, "w.json"), "w") as f:
        json.dump({"version": "v1", "nodes": [{"id": "w", "node_type": "WhisperNode", "params": {"model": "gone.bin"}}]}, f)
    code, out, err = run(native, ["pack", "w.json", "--wasm-dir", os.path.abspath(a.wasm_dir), "-o", "w.rmpkg"], work)
    if code != 3 or "not found" not in err or os.path.exists(os.path.join(work, "w.rmpkg")):
        FAILURES.append(f"pack with a missing model: exit {code}, {err.strip()!r}")
    else:
        print(f"ok   pack with a missing model: {err.strip().splitlines()[0]}")

    if FAILURES:
        print("\n".join("FAIL " + f for f in FAILURES))
        sys.exit(1)
    import shutil
    shutil.rmtree(work)
    print("all bad packages refused")


if __name__ == "__main__":
    main()
