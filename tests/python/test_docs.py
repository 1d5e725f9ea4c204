"""The Python examples in docs/python.md ("Using RemoteMedia from Python") and the README run as
written, and every `expression  # value` line gives the value its comment shows."""

import ast
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def python_blocks(path, section=None):
    text = (ROOT / path).read_text()
    if section:
        start = text.index(f"## {section}\n")
        end = text.find("\n## ", start + 1)
        text = text[start:end if end >= 0 else None]
    return re.findall(r"```python\n(.*?)```", text, re.S)


def shown_value(line):
    """The literal after `#` on a line, or None when the comment is prose."""
    if "#" not in line:
        return None
    try:
        return (ast.literal_eval(line.split("#", 1)[1].strip()),)
    except (ValueError, SyntaxError):
        return None


def as_script(source):
    """The block with each `expression  # value` line turned into an assertion."""
    lines = source.splitlines()
    out = []
    for stmt in ast.parse(source).body:
        shown = shown_value(lines[stmt.end_lineno - 1]) if isinstance(stmt, ast.Expr) else None
        if shown is None:
            out.append(ast.get_source_segment(source, stmt))
        else:
            expr = ast.get_source_segment(source, stmt.value)
            out.append(f"value = {expr}\nassert value == {shown[0]!r}, ({expr!r}, 'gave', value)")
    return "\n".join(out) + "\n"


BLOCKS = python_blocks("docs/python.md", "Using RemoteMedia from Python") + python_blocks("README.md")


def test_the_docs_have_the_examples():
    assert len(BLOCKS) >= 6
    assert any("p.run([1, 2, 3])        # [12, 14, 16]" in block for block in BLOCKS)


@pytest.mark.parametrize("source", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_doc_example_runs_as_written(source, tmp_path):
    # A script of its own, as a reader would run it (classes defined in __main__ included), from
    # the repository root, where the examples' paths start.
    script = tmp_path / "example.py"
    script.write_text(as_script(source))
    proc = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
