#!/usr/bin/python3.11
"""Lays out the guest's /usr for the Python-enabled wasm module:

  OUT/usr/lib/python311.zip            the standard library modules Python nodes need, as .pyc
                                       in a stored (uncompressed) zip: imports read it in place
  OUT/usr/lib/remotemedia/remotemedia  the runtime's own Python package
  OUT/usr/files.json                   the list of these files, for hosts that cannot list folders

The module set is computed, not listed by hand: the modules that the interpreter's start-up,
the remotemedia package and a broad set of everyday modules really import (a probe interpreter
runs the imports against CPython's own Lib/ and reports sys.modules). Must run under the same CPython version as the wasm build (bytecode magic).
The zip is reproducible: sorted entries, fixed times.

Usage: build-wasi-python-stdlib.py CPYTHON_SOURCE_DIR REPO_PYTHON_DIR OUT_DIR
"""
import importlib.util
import json
import marshal
import os
import shutil
import subprocess
import sys
import zipfile

# Modules Python nodes commonly use, beyond what start-up and remotemedia need.
EVERYDAY = """
abc base64 bisect codecs collections collections.abc contextlib copy csv dataclasses datetime decimal
enum fractions functools hashlib heapq io itertools json math numbers operator os pathlib queue random
re statistics string struct textwrap time traceback types typing warnings weakref zlib
encodings.ascii encodings.latin_1 encodings.utf_8 encodings.utf_16 encodings.utf_32
""".split()
# Never shipped: they need what WASI lacks (threads, processes, sockets, a terminal, a GUI).
EXCLUDED_PACKAGES = ("test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "distutils",
                     "multiprocessing", "concurrent", "asyncio", "unittest", "pydoc_data", "venv", "curses")
EPOCH = (1980, 1, 1, 0, 0, 0)


def module_set(lib, package_dir):
    """The stdlib files that start-up, remotemedia and EVERYDAY actually import: a fresh
    interpreter (isolated, no site) imports them with CPython's own Lib/ first on its path and the
    C extension modules beside it, as the wasm build has them built in."""
    probe = (
        "import importlib, sys\n"
        f"for name in {EVERYDAY + ['remotemedia', 'remotemedia.nodes']!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError:\n"
        "        pass\n"
        "for name, m in list(sys.modules.items()):\n"
        "    if getattr(m, '__file__', None): print(name)\n"
    )
    dynload = os.path.join(sys.base_prefix, "lib", f"python{sys.version_info[0]}.{sys.version_info[1]}", "lib-dynload")
    env = {"PYTHONPATH": os.pathsep.join([lib, dynload, package_dir])}
    out = subprocess.run([sys.executable, "-I", "-S", "-c", f"import sys; sys.path[:0] = {[lib, dynload, package_dir]!r}\n" + probe],
                         capture_output=True, text=True, check=True, env=env).stdout
    # By module name, so that what start-up imported from the host's own stdlib (encodings, ...)
    # is taken from CPython's Lib/ as well.
    files = {}
    for name in out.split():
        base = os.path.join(*name.split("."))
        for rel in (os.path.join(base, "__init__.py"), base + ".py"):
            if os.path.exists(os.path.join(lib, rel)) and name.split(".")[0] not in EXCLUDED_PACKAGES:
                files[rel] = os.path.join(lib, rel)
                break
    # Packages need their __init__ even where only a submodule was imported.
    for rel in list(files):
        parts = rel.split(os.sep)[:-1]
        for i in range(1, len(parts) + 1):
            init = os.path.join(*parts[:i], "__init__.py")
            if os.path.exists(os.path.join(lib, init)):
                files.setdefault(init, os.path.join(lib, init))
    return files


def pyc(source_path, guest_path):
    with open(source_path, "rb") as f:
        # optimize=2 drops docstrings and asserts from the standard library: a quarter smaller.
        code = compile(f.read(), guest_path, "exec", dont_inherit=True, optimize=2)
    # Timestamp pyc with zero time and size: zipimport checks them only against a .py that is
    # not in the zip, and zeros keep the bytes reproducible.
    return importlib.util.MAGIC_NUMBER + b"\0" * 12 + marshal.dumps(code)


def main(cpython_dir, repo_python_dir, out_dir):
    lib = os.path.join(cpython_dir, "Lib")
    usr_lib = os.path.join(out_dir, "usr", "lib")
    os.makedirs(usr_lib, exist_ok=True)
    files = module_set(lib, repo_python_dir)
    zip_path = os.path.join(usr_lib, "python311.zip")
    tmp = zip_path + ".tmp"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as z:
        for rel in sorted(files):
            name = rel[:-3] + ".pyc"
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.external_attr = 0o644 << 16
            z.writestr(info, pyc(files[rel], f"/usr/lib/python311.zip/{rel}"))
    os.replace(tmp, zip_path)
    package = os.path.join(usr_lib, "remotemedia")
    shutil.rmtree(package, ignore_errors=True)
    shutil.copytree(os.path.join(repo_python_dir, "remotemedia"), os.path.join(package, "remotemedia"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # An index of the layout, for hosts that cannot list a folder (the browser fetches these).
    listing = []
    for root, _, names in os.walk(os.path.join(out_dir, "usr")):
        for n in names:
            if n != "files.json":
                listing.append(os.path.relpath(os.path.join(root, n), os.path.join(out_dir, "usr")))
    with open(os.path.join(out_dir, "usr", "files.json"), "w") as f:
        json.dump(sorted(listing), f, indent=0)
    print(f"{zip_path}: {len(files)} modules, {os.path.getsize(zip_path)} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.version_info[:2] != (3, 11):
        sys.exit(__doc__)
    main(*sys.argv[1:])
