#!/usr/bin/env bash
# zlib for wasm32-wasi, from Debian's source package (bookworm), into the deps cache.
# Prints the install prefix (include/ and lib/libz.a).
source "$(dirname "$0")/common.sh"

VERSION=1.2.13
TARBALL=$(fetch_debian_source zlib zlib_${VERSION}.dfsg.orig.tar.bz2 \
  71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1)
PREFIX="$RM_DEPS_CACHE/build/zlib-$VERSION-wasi"
if [ -f "$PREFIX/lib/libz.a" ]; then echo "$PREFIX"; exit 0; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xjf "$TARBALL" -C "$work"
src=$(echo "$work"/zlib-*)
mkdir -p "$PREFIX/include" "$PREFIX/lib"
objs=()
for f in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback inffast inflate inftrees trees uncompr zutil; do
  $WASI_CC -O2 -msimd128 -D_WASI_EMULATED_SIGNAL -DHAVE_UNISTD_H -c "$src/$f.c" -o "$work/$f.o"
  objs+=("$work/$f.o")
done
$WASI_AR rcs "$PREFIX/lib/libz.a" "${objs[@]}"
cp "$src/zlib.h" "$src/zconf.h" "$PREFIX/include/"
echo "$PREFIX"
