# Shared by the deps/ scripts: where third-party sources and builds are cached, and how a
# Debian source package is fetched, pinned and checked. Third-party source never enters the repo.
set -euo pipefail

# Fixed: CMakePresets.json (wasi-python) points here.
RM_DEPS_CACHE=$HOME/.cache/remotemedia-deps
mkdir -p "$RM_DEPS_CACHE/src" "$RM_DEPS_CACHE/build"

# fetch_debian_source PACKAGE FILE SHA256: the upstream tarball FILE of PACKAGE from bookworm
# (always pinned: an unpinned request may pick a suite whose files the mirror does not serve).
fetch_debian_source() {
  local package=$1 file=$2 sha=$3
  local path="$RM_DEPS_CACHE/src/$file"
  if [ ! -f "$path" ]; then
    if ! apt-cache showsrc "$package" >/dev/null 2>&1 || [ -z "$(apt-cache showsrc "$package" 2>/dev/null)" ]; then
      echo "deps: no Debian source index; run scripts/setup (it adds the deb-src entry for bookworm)" >&2
      exit 1
    fi
    (cd "$RM_DEPS_CACHE/src" && apt-get source --download-only -q "$package/bookworm" >/dev/null)
  fi
  echo "$sha  $path" | sha256sum --check --quiet || {
    echo "deps: checksum mismatch for $file (expected $sha)" >&2
    exit 1
  }
  record_source "$file" "$package" "debian bookworm source package" "$sha"
  echo "$path"
}

# record_source FILE NAME ORIGIN SHA256: notes where a checked third-party source came from, for
# package provenance (cmake/third-party.cmake gathers these records into the WASI builds).
record_source() {
  printf '{"name": "%s", "origin": "%s", "file": "%s", "sha256": "%s"}\n' "$2" "$3" "$1" "$4" \
    >"$RM_DEPS_CACHE/src/$1.source.json"
}

WASI_CC="clang-16 --target=wasm32-wasi -nostdlibinc -isystem /usr/lib/llvm-16/lib/clang/16/include -isystem /usr/include/wasm32-wasi"
WASI_AR=llvm-ar-16
