#!/usr/bin/env bash
# Runs the package reader's fuzz target for a fixed number of inputs, from seeds made here: a
# small signed package (and its key files) from the native CLI. Any crash, leak or sanitizer
# report fails. usage: run.sh FUZZER NATIVE_CLI [RUNS]
set -euo pipefail
fuzzer=$(realpath "$1") cli=$(realpath "$2") runs=${3:-200000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/wasm" "$work/seeds"
printf '\0asm\1\0\0\0' >"$work/wasm/remotemedia.wasm"
cat >"$work/m.json" <<'JSON'
{"version": "v1", "metadata": {"name": "f"}, "nodes": [{"id": "m", "node_type": "MultiplyNode", "params": {"factor": 2}}]}
JSON
(cd "$work" && "$cli" keygen -o k >/dev/null)
"$cli" pack "$work/m.json" --wasm-dir "$work/wasm" --sign "$work/k.key" -o "$work/seeds/signed.rmpkg" >/dev/null
"$cli" pack "$work/m.json" --wasm-dir "$work/wasm" -o "$work/seeds/unsigned.rmpkg" >/dev/null
cp "$work/k.pub" "$work/k.key" "$work/seeds/"
unzip -p "$work/seeds/signed.rmpkg" meta/signature.sig >"$work/seeds/signature.sig"
mkdir -p "$work/corpus"
"$fuzzer" -runs="$runs" -max_len=8192 -seed=1 -print_final_stats=1 "$work/corpus" "$work/seeds" 2>&1 | tail -12
