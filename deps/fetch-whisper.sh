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
# Our wasm SIMD paths for ggml (the patch says what and why); a changed patch unpacks afresh.
PATCH="$(cd "$(dirname "$0")" && pwd)/patches/whisper.cpp-1.9.1-wasm-simd.patch"
PATCH_SHA256=80f1fd8aba9168111731df29669dab2282de5fcc27c6b1bb771b6970dda68e1b

if [ ! -f "$TARBALL" ]; then
  (cd "$RM_DEPS_CACHE/src" && npm pack "$PACKAGE@$VERSION" --silent >/dev/null)
fi
echo "$SHA256  $TARBALL" | sha256sum --check --quiet || {
  echo "deps: checksum mismatch for $TARBALL (expected $SHA256)" >&2
  exit 1
}
record_source "$PACKAGE-$VERSION.tgz" "whisper.cpp 1.9.1 (in $PACKAGE@$VERSION)" "npm package" "$SHA256"
echo "$PATCH_SHA256  $PATCH" | sha256sum --check --quiet || {
  echo "deps: checksum mismatch for $PATCH (expected $PATCH_SHA256)" >&2
  exit 1
}
if [ "$(cat "$OUT/.complete" 2>/dev/null)" != "$PATCH_SHA256" ]; then
  rm -rf "$OUT"
  mkdir -p "$OUT"
  tar -xzf "$TARBALL" -C "$OUT" --strip-components=3 package/cpp/whisper.cpp
  grep -q 'VERSION 1.9.1' "$OUT/CMakeLists.txt" || { echo "deps: unexpected whisper.cpp version" >&2; exit 1; }
  (cd "$OUT" && git apply -p1 "$PATCH")  # git apply works outside a repository
  echo "$PATCH_SHA256" >"$OUT/.complete"
fi
echo "$OUT"
