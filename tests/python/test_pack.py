"""Pipeline.pack writes the same .rmpkg as `remotemedia pack` (the same packer, bound), and the
CLI verifies and runs it."""

import json
import os
import pathlib
import subprocess
import zipfile

import pytest

from remotemedia import ManifestError, Pipeline
from remotemedia.nodes import AddNode, MultiplyNode

ROOT = pathlib.Path(__file__).resolve().parents[2]
WASM_DIR = ROOT / "build" / "wasi"


@pytest.fixture
def cli_path(cli):
    return os.environ.get("REMOTEMEDIA_CLI") or str(ROOT / "build/native/remotemedia")


@pytest.fixture(autouse=True)
def needs_wasm_module():
    if not (WASM_DIR / "remotemedia.wasm").exists():
        pytest.skip("no build/wasi/remotemedia.wasm (cmake --build --preset wasi)")


def run(*argv, cwd=None):
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, cwd=cwd, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def entries(package):
    with zipfile.ZipFile(package) as z:
        return {name: z.read(name) for name in z.namelist()}


def calc():
    return Pipeline(MultiplyNode(factor=2), AddNode(addend=10), name="calc")


def test_a_packed_pipeline_runs_in_the_cli_with_the_same_outputs(cli_path, tmp_path):
    p = calc()
    summary = p.pack(tmp_path / "calc.rmpkg", wasm_dir=WASM_DIR)
    assert summary["status"] == "packed" and summary["name"] == "calc" and summary["signer"] is None
    out = json.loads(run(cli_path, "run", tmp_path / "calc.rmpkg", "--allow-unsigned", "--input", "[1, 2, 3]"))
    assert out["outputs"] == p.run([1, 2, 3]) == [12, 14, 16]


def test_pack_gives_the_clis_bytes_for_the_saved_manifest(cli_path, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # reproducible: no packing time inside
    p = calc()
    p.save(tmp_path / "calc.json")
    run(cli_path, "pack", tmp_path / "calc.json", "-o", tmp_path / "by-cli.rmpkg", "--wasm-dir", WASM_DIR)
    p.pack(tmp_path / "by-python.rmpkg", wasm_dir=WASM_DIR)
    by_python, by_cli = entries(tmp_path / "by-python.rmpkg"), entries(tmp_path / "by-cli.rmpkg")
    assert list(by_python) == list(by_cli)
    # Each binary records the commit it was built from; everything else is the same bytes.
    provenances = [json.loads(e.pop("meta/provenance.json")) for e in (by_python, by_cli)]
    for provenance in provenances:
        provenance["builder"].pop("commit")
    assert provenances[0] == provenances[1]
    assert by_python == by_cli


def test_a_package_signed_from_python_verifies_with_the_public_key(cli_path, tmp_path):
    run(cli_path, "keygen", "-o", tmp_path / "me")
    summary = calc().pack(tmp_path / "signed.rmpkg", sign=tmp_path / "me.key", wasm_dir=WASM_DIR)
    assert summary["signer"]
    run(cli_path, "verify", tmp_path / "signed.rmpkg", "--trusted-key", tmp_path / "me.pub")


def test_packing_without_a_wasm_module_says_how_to_give_one(tmp_path, monkeypatch):
    monkeypatch.delenv("REMOTEMEDIA_WASM_DIR", raising=False)
    with pytest.raises(ManifestError, match="wasm_dir=") as caught:
        calc().pack(tmp_path / "x.rmpkg")
    assert caught.value.code == "missing_wasm_module"
    with pytest.raises(ManifestError, match="no remotemedia.wasm"):
        calc().pack(tmp_path / "x.rmpkg", wasm_dir=tmp_path)


def test_a_packages_manifest_round_trips_with_its_runtime_block(tmp_path):
    calc().pack(tmp_path / "calc.rmpkg", wasm_dir=WASM_DIR)
    packed = json.loads(entries(tmp_path / "calc.rmpkg")["manifest.json"])
    assert packed["runtime"]["target"] == "wasm32-wasi"
    assert Pipeline.from_manifest(packed).serialize() == packed
