"""`pip install .` gives one package: the source tree's python/remotemedia plus the extension."""

import filecmp
import pathlib

import remotemedia

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_the_installed_package_is_the_embedded_interpreters_package_plus_the_extension():
    installed = pathlib.Path(remotemedia.__file__).parent
    source = ROOT / "python" / "remotemedia"
    assert installed != source, "tests must run against the installed package"
    names = sorted(p.relative_to(source).as_posix() for p in source.rglob("*.py"))
    assert names and sorted(p.relative_to(installed).as_posix() for p in installed.rglob("*.py")) == names
    _, mismatch, errors = filecmp.cmpfiles(source, installed, names, shallow=False)
    assert not mismatch and not errors
    assert pathlib.Path(remotemedia._core.__file__).parent == installed
