#!/usr/bin/env python3
"""Checks that remotemedia.wasm is a plain WASI preview1 command: every import comes from
wasi_snapshot_preview1, it exports _start and memory, it keeps its target_features section
(wasm-opt needs it) and carries no DWARF. Reads the binary itself: no tool needed."""
import sys


def leb(data, pos):
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, pos


def name(data, pos):
    n, pos = leb(data, pos)
    return data[pos:pos + n].decode(), pos + n


def sections(data):
    assert data[:8] == b"\0asm\x01\0\0\0", "not a wasm module (version 1)"
    pos = 8
    while pos < len(data):
        sid = data[pos]
        size, body = leb(data, pos + 1)
        yield sid, data[body:body + size]
        pos = body + size


def main(path):
    data = open(path, "rb").read()
    imports, exports, customs = [], [], []
    for sid, body in sections(data):
        if sid == 0:
            customs.append(name(body, 0)[0])
        elif sid == 2:
            count, pos = leb(body, 0)
            for _ in range(count):
                module, pos = name(body, pos)
                field, pos = name(body, pos)
                kind = body[pos]
                pos += 1
                if kind == 0:
                    _, pos = leb(body, pos)
                else:
                    sys.exit(f"unexpected non-function import {module}.{field}")
                imports.append((module, field))
        elif sid == 7:
            count, pos = leb(body, 0)
            for _ in range(count):
                field, pos = name(body, pos)
                pos += 1
                _, pos = leb(body, pos)
                exports.append(field)
    problems = [f"import from {m}.{f}" for m, f in imports if m != "wasi_snapshot_preview1"]
    problems += [f"missing export {e}" for e in ("_start", "memory") if e not in exports]
    if "target_features" not in customs:
        problems.append("no target_features section (stripped with --strip-all?)")
    problems += [f"debug section {c} (link with --strip-debug)" for c in customs if c.startswith(".debug")]
    if problems:
        print("\n".join(problems))
        return 1
    print(f"ok: {len(imports)} wasi_snapshot_preview1 imports, exports {sorted(exports)}, sections {customs}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
