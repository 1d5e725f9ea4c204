#!/usr/bin/env bash
# whisper.cpp 1.9.1 (with ggml) from the npm package nodejs-whisper@0.3.1, which carries the full
# source tree (Debian's whisper.cpp/ggml source packages are listed in sid, but their files are not
# served). Pinned and checked; unpacked into the deps cache. Prints the whisper.cpp folder.
source "$(dirname "$0")/common.sh"

PACKAGE=nodejs-whisper
VERSION=0.3.1
SHA256=92041caf2b26c74b7f489fedf37bd093f216eebd61df512045ec2d19d0531d37
TARBALL="$RM_DEPS_CACHE/src/$PACKAGE-$VERSION.tgz"
OUT="$RM_DEPS_CACHE/build/whisper.cpp-1.9.1"
# Our patches, applied in this order (each says what and why): wasm SIMD paths for ggml, the
# encoder on BLAS in native builds, the decoder's economies for streaming (a prompt's logits for
# its last token only; a prefix decoded in one batch; flash attention in the encoder only), and the
# encoder's flash attention over the frames it has (not over padding). A changed patch unpacks afresh.
PATCHES=(
  "whisper.cpp-1.9.1-wasm-simd.patch 80f1fd8aba9168111731df29669dab2282de5fcc27c6b1bb771b6970dda68e1b"
  "whisper.cpp-1.9.1-native-blas.patch 319dc553845fc86136e95f10331599d4a94c280681b1718af0fe473f93e37d7a"
  "whisper.cpp-1.9.1-decoder.patch 63fc9a162a1e722b8b001bf2a06585e33016e812a6e34c90abb2c6c687965e2b"
  "whisper.cpp-1.9.1-encoder-attention.patch 162e81e5cdcdeaa4888a7e20c6fb0bea559ed697f4067a695adc8d71554989e6"
)
PATCH_DIR="$(cd "$(dirname "$0")" && pwd)/patches"

if [ ! -f "$TARBALL" ]; then
  (cd "$RM_DEPS_CACHE/src" && npm pack "$PACKAGE@$VERSION" --silent >/dev/null)
fi
echo "$SHA256  $TARBALL" | sha256sum --check --quiet || {
  echo "deps: checksum mismatch for $TARBALL (expected $SHA256)" >&2
  exit 1
}
record_source "$PACKAGE-$VERSION.tgz" "whisper.cpp 1.9.1 (in $PACKAGE@$VERSION)" "npm package" "$SHA256"
stamp=""
for entry in "${PATCHES[@]}"; do
  read -r name sha <<<"$entry"
  echo "$sha  $PATCH_DIR/$name" | sha256sum --check --quiet || {
    echo "deps: checksum mismatch for $PATCH_DIR/$name (expected $sha)" >&2
    exit 1
  }
  stamp+="$sha "
done
if [ "$(cat "$OUT/.complete" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$OUT"
  mkdir -p "$OUT"
  tar -xzf "$TARBALL" -C "$OUT" --strip-components=3 package/cpp/whisper.cpp
  grep -q 'VERSION 1.9.1' "$OUT/CMakeLists.txt" || { echo "deps: unexpected whisper.cpp version" >&2; exit 1; }
  for entry in "${PATCHES[@]}"; do
    read -r name _ <<<"$entry"
    (cd "$OUT" && git apply -p1 "$PATCH_DIR/$name")  # git apply works outside a repository
  done
  echo "$stamp" >"$OUT/.complete"
fi
echo "$OUT"
