"""Shared fixtures: the repository root and the native CLI, to compare the module against."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def cli():
    """Runs build/native/remotemedia (or $REMOTEMEDIA_CLI): cli(args, stdin=None) -> (exit code, parsed stdout or
    stderr JSON)."""
    path = os.environ.get("REMOTEMEDIA_CLI") or str(ROOT / "build/native/remotemedia")
    if not os.path.exists(path):
        if os.environ.get("REMOTEMEDIA_CLI"):
            pytest.fail(f"REMOTEMEDIA_CLI={path} does not exist")
        pytest.skip("no native CLI built (build/native/remotemedia)")

    def run(*args, stdin=None):
        proc = subprocess.run([path, *args, "--error-format", "json"], input=stdin, capture_output=True, text=True,
                              timeout=120)
        text = proc.stdout if proc.returncode == 0 else proc.stderr.strip().splitlines()[-1]
        return proc.returncode, json.loads(text)

    return run
