#!/usr/bin/env bash
# Runs the fuzz targets built in a folder for a fixed number of inputs each, from seeds made here:
#   wav_reader_fuzz       the conformance suite's WAV files
#   manifest_reader_fuzz  the conformance manifests and inputs, and the examples
#   package_reader_fuzz   a small signed package (and its key files) from the native CLI (64-bit only)
# The same for the libFuzzer build (preset fuzz) and the 32-bit replay build (preset fuzz32). Any
# crash, leak or sanitizer report fails. usage: run.sh FUZZ_BUILD_DIR NATIVE_CLI [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(realpath "$1") cli=$(realpath "$2") runs=${3:-200000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fuzz() {  # TARGET SEED_FOLDER
  local target=$build/tests/fuzz/$1
  [ -x "$target" ] || return 0
  echo "fuzz: $1 ($runs inputs)"
  mkdir -p "$work/corpus-$1"
  if ! "$target" -runs="$runs" -max_len=8192 -seed=1 -print_final_stats=1 "$work/corpus-$1" "$2" >"$work/log" 2>&1; then
    tail -60 "$work/log"
    echo "fuzz: $1 failed (the input is in the report above; rerun with the same -seed)" >&2
    return 1
  fi
  tail -4 "$work/log"
}

mkdir -p "$work/wav" "$work/json"
for f in "$repo"/tests/conformance/cases/*/*.wav; do cp "$f" "$work/wav/$(basename "$(dirname "$f")").wav"; done
for f in "$repo"/tests/conformance/cases/*/*.json; do cp "$f" "$work/json/$(basename "$(dirname "$f")")-$(basename "$f")"; done
cp "$repo"/examples/*.json "$work/json/"
fuzz wav_reader_fuzz "$work/wav"
fuzz manifest_reader_fuzz "$work/json"

if [ -x "$build/tests/fuzz/package_reader_fuzz" ]; then
  mkdir -p "$work/wasm" "$work/package"
  printf '\0asm\1\0\0\0' >"$work/wasm/remotemedia.wasm"
  cat >"$work/m.json" <<'JSON'
{"version": "v1", "metadata": {"name": "f"}, "nodes": [{"id": "m", "node_type": "MultiplyNode", "params": {"factor": 2}}]}
JSON
  (cd "$work" && "$cli" keygen -o k >/dev/null)
  "$cli" pack "$work/m.json" --wasm-dir "$work/wasm" --sign "$work/k.key" -o "$work/package/signed.rmpkg" >/dev/null
  "$cli" pack "$work/m.json" --wasm-dir "$work/wasm" -o "$work/package/unsigned.rmpkg" >/dev/null
  cp "$work/k.pub" "$work/k.key" "$work/package/"
  unzip -p "$work/package/signed.rmpkg" meta/signature.sig >"$work/package/signature.sig"
  fuzz package_reader_fuzz "$work/package"
fi
