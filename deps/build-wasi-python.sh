#!/usr/bin/env bash
# CPython 3.11 (the native version) for wasm32-wasi, from Debian's source package (bookworm), built
# with Debian's clang-16 and wasi-libc into the deps cache. Prints the build folder, which holds
# libpython3.11.a, libmpdec.a, Include/ and pyconfig.h. About 2-3 minutes on 2 cores.
source "$(dirname "$0")/common.sh"

VERSION=3.11.2
TARBALL=$(fetch_debian_source python3.11 python3.11_${VERSION}.orig.tar.gz \
  2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849)
ZLIB=$("$(dirname "$0")/build-wasi-zlib.sh")
BUILD_PYTHON=/usr/bin/python3.11
"$BUILD_PYTHON" -c "import sys; assert sys.version.startswith('$VERSION'), sys.version" || {
  echo "deps: the build Python must be $VERSION (Debian's python3.11)" >&2
  exit 1
}

OUT="$RM_DEPS_CACHE/build/cpython-$VERSION-wasi"
# The build is redone when this script changes (flags, module list).
STAMP=$(sha256sum "$0" | cut -d' ' -f1)
if [ -f "$OUT/libpython3.11.a" ] && [ "$(cat "$OUT/.complete" 2>/dev/null)" = "$STAMP" ]; then echo "$OUT"; exit 0; fi
rm -rf "$OUT"
mkdir -p "$OUT"
tar -xzf "$TARBALL" -C "$OUT" --strip-components=1

# Built-in C modules a pipeline node inside the wasm has no use for, left out for size: CJK codecs
# and unicodedata (~2 MB of tables), XML, sockets and select (no networking in WASI preview1),
# asyncio, profiling, audioop (deprecated), crypt, zoneinfo (no tz database in the guest).
cat >"$OUT/Modules/Setup.local" <<'SETUP'
*disabled*
unicodedata
_codecs_cn
_codecs_hk
_codecs_iso2022
_codecs_jp
_codecs_kr
_codecs_tw
_multibytecodec
pyexpat
_elementtree
_socket
select
_asyncio
_lsprof
audioop
_crypt
xxsubtype
_zoneinfo
SETUP

cd "$OUT"
echo "deps: configuring CPython $VERSION for wasm32-wasi" >&2
# -O2 without -g: small frames (deep imports must fit the wasm stack) and a libpython of ~8 MB
# instead of ~29. -Wno-int-conversion: clang-16 is stricter than this wasi-libc's headers.
CONFIG_SITE=Tools/wasm/config.site-wasm32-wasi \
CC="$WASI_CC" CPP="$WASI_CC -E" AR=$WASI_AR RANLIB=llvm-ranlib-16 READELF=true \
CFLAGS="-msimd128 -Wno-int-conversion" OPT="-DNDEBUG -fwrapv -O2" \
CPPFLAGS="-I$ZLIB/include" LDFLAGS="-fuse-ld=lld -L/usr/lib/wasm32-wasi -L$ZLIB/lib" \
ZLIB_CFLAGS="-I$ZLIB/include" ZLIB_LIBS="-L$ZLIB/lib -lz" \
PKG_CONFIG_LIBDIR=/nonexistent \
./configure -C --host=wasm32-unknown-wasi --build=x86_64-pc-linux-gnu \
  --with-build-python="$BUILD_PYTHON" --disable-test-modules --without-ensurepip --disable-ipv6 \
  >"$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log" >&2; exit 1; }

echo "deps: building libpython3.11.a" >&2
make -j"$(nproc)" libpython3.11.a Modules/_decimal/libmpdec/libmpdec.a \
  >"$OUT/make.log" 2>&1 || { grep -E "error" "$OUT/make.log" | head -30 >&2; exit 1; }
echo "$STAMP" >"$OUT/.complete"
echo "$OUT"
