"""Pipelines as code: generated node classes, ids, user Python nodes, branches, and manifests
that round-trip with the CLI."""

import json
import pathlib
import subprocess
import sys
import textwrap

import pytest

import remotemedia
from remotemedia import ManifestError, Node, NodeSpec, Pipeline, register_node
from remotemedia import nodes
from remotemedia.nodes import AddNode, BatchNode, CalculatorNode, MultiplyNode, PassThrough

ROOT = pathlib.Path(__file__).resolve().parents[2]


class Square(Node):
    """Not registered: runs through PythonNode by module and class name."""

    def __init__(self, offset=0, **config):
        super().__init__(offset=offset, **config)
        self.offset = offset

    def process(self, x):
        return x * x + self.offset


@register_node
class Tagger(Node):
    def __init__(self, tag="t", **config):
        super().__init__(tag=tag, **config)
        self.tag = tag

    def process(self, x):
        return f"{self.tag}:{x}"


def test_the_issue_example_runs_and_serializes_with_type_and_index_ids():
    p = Pipeline(MultiplyNode(factor=2), AddNode(addend=10))
    assert p.run([1, 2, 3]) == [12, 14, 16]
    assert p.serialize() == {
        "version": "v1",
        "nodes": [{"id": "multiply_0", "node_type": "MultiplyNode", "params": {"factor": 2}},
                  {"id": "add_1", "node_type": "AddNode", "params": {"addend": 10}}],
        "connections": [{"from": "multiply_0", "to": "add_1"}]}


def test_every_compiled_in_node_type_has_a_class_built_from_its_schema():
    schemas = remotemedia._core.node_types()
    assert {"MultiplyNode", "AddNode", "PassThrough", "CalculatorNode", "AudioResampleNode"} <= {s["name"] for s in schemas}
    import inspect
    for schema in schemas:
        cls = getattr(nodes, schema["name"])
        assert issubclass(cls, NodeSpec) and cls.__module__ == "remotemedia.nodes"
        assert cls.__doc__.startswith(schema["description"])
        signature = inspect.signature(cls)
        for param in schema["params"]:
            assert param["name"] in cls.__doc__
            if param["name"].isidentifier() and param["name"] != "class":
                default = signature.parameters[param["name"]].default
                assert default == (inspect.Parameter.empty if param.get("required") else param["default"])


def test_bad_params_fail_when_the_node_is_made_with_the_runtimes_message():
    with pytest.raises(ManifestError, match="did you mean 'addend'|unknown parameter 'adend'") as caught:
        AddNode(adend=1)
    assert caught.value.error["suggestion"] == "addend"
    with pytest.raises(ManifestError, match="operation"):
        CalculatorNode()  # `operation` is required
    with pytest.raises(ManifestError):
        MultiplyNode(factor="two")


def test_user_python_nodes_plug_into_the_same_pipeline():
    p = Pipeline(MultiplyNode(factor=3), Square(offset=1), Tagger(tag="sq"))
    assert p.run([1, 2]) == ["sq:10", "sq:37"]
    manifest = p.serialize()
    assert manifest["nodes"][1] == {"id": "square_1", "node_type": "PythonNode",
                                    "params": {"module": __name__, "class": "Square", "kwargs": {"offset": 1}}}
    assert manifest["nodes"][2] == {"id": "tagger_2", "node_type": "Tagger", "params": {"tag": "sq"}}
    assert manifest["python"] == {"modules": [__name__]}


def test_classes_the_runtime_cannot_load_by_name_are_refused_when_added():
    class Local:
        def process(self, x):
            return x

    with pytest.raises(TypeError, match="top level"):
        Pipeline(Local())
    with pytest.raises(TypeError, match="process"):
        Pipeline(object())


def test_branches_fan_out_and_fan_in_like_the_cli(cli, tmp_path):
    p = Pipeline(name="branches")
    src = p.add(PassThrough(), id="source")
    double = p.add(MultiplyNode(factor=2), after=src)
    half = p.add(CalculatorNode(operation="divide", operand=2), after=src)
    batch = BatchNode(size=2)
    batch.is_streaming = True
    p.add(batch, after=[double, half])
    extra = MultiplyNode(factor=10)
    p.add(extra, after=[])
    p.connect(extra, "batch_3")
    assert p.node_ids == ["source", "multiply_1", "calculator_2", "batch_3", "multiply_4"]
    path = tmp_path / "branches.json"
    p.save(path)
    code, response = cli("run", str(path), "--input", "[1, 2, 3]")
    assert code == 0
    assert p.run([1, 2, 3]) == response["outputs"]
    assert len(response["outputs"]) > 0


def test_adding_after_an_unknown_node_or_twice_the_same_id_fails():
    p = Pipeline(PassThrough())
    with pytest.raises(ValueError, match="not a node of this pipeline"):
        p.add(AddNode(), after="nope")
    with pytest.raises(ValueError, match="already has"):
        p.add(AddNode(), id="pass_through_0")


@pytest.mark.parametrize("example", ["calculator.json", "fan-out.json", "text-processor.json"])
def test_example_manifests_round_trip_and_run_like_the_cli(cli, tmp_path, example):
    path = ROOT / "examples" / example
    original = json.loads(path.read_text())
    p = Pipeline.from_manifest(path)
    assert Pipeline.from_manifest(str(path)).serialize() == p.serialize()
    assert Pipeline.from_manifest(path.read_text()).serialize() == p.serialize()
    assert Pipeline.from_manifest(original).serialize() == p.serialize()
    assert [n["id"] for n in p.serialize()["nodes"]] == [n["id"] for n in original["nodes"]]
    assert p.serialize()["connections"] == original.get("connections", [])
    saved = tmp_path / example
    p.save(saved)
    assert Pipeline.from_manifest(saved).serialize() == p.serialize()
    inputs = [1, 2, 3] if "text" not in example else [{"text": "hello world", "operations": ["uppercase"]}]
    code, response = cli("run", str(saved), "--input", json.dumps(inputs))
    assert code == 0
    code, original_response = cli("run", str(path), "--input", json.dumps(inputs))
    assert response["outputs"] == original_response["outputs"]
    assert p.run(inputs) == response["outputs"]


def test_from_manifest_reports_invalid_manifests_like_validate(cli, tmp_path):
    bad = {"version": "v1", "nodes": [{"id": "a", "node_type": "AddNode"}, {"id": "b", "node_type": "AddNode"}],
           "connections": [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}]}
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(ManifestError) as caught:
        Pipeline.from_manifest(path)
    code, response = cli("validate", str(path))
    assert code == 3 and caught.value.error == response["error"]


def test_from_manifest_keeps_python_sections_and_relative_paths(tmp_path):
    (tmp_path / "mods").mkdir()
    (tmp_path / "mods" / "shout_nodes.py").write_text(
        "from remotemedia import register_node\n"
        "@register_node\nclass Shout:\n    def __init__(self, marks=1):\n        self.marks = marks\n"
        "    def process(self, x):\n        return str(x).upper() + '!' * self.marks\n")
    manifest = {"version": "v1", "python": {"paths": ["mods"], "modules": ["shout_nodes"]},
                "nodes": [{"id": "s", "node_type": "Shout", "params": {"marks": 2}}]}
    (tmp_path / "shout.json").write_text(json.dumps(manifest))
    p = Pipeline.from_manifest(tmp_path / "shout.json")
    assert p.serialize() == manifest
    assert p.run(["hi"]) == ["HI!!"]


def test_a_python_node_class_registered_anew_is_the_one_that_runs(tmp_path):
    # As in a notebook: classes in __main__, the second registered under the name of the first.
    script = tmp_path / "notebook.py"
    script.write_text(textwrap.dedent("""
        from remotemedia import Node, Pipeline, register_node

        @register_node(name="Redefined")
        class First(Node):
            def process(self, x):
                return ("first", x)

        first = Pipeline(First())
        assert first.serialize()["python"] == {}, first.serialize()
        assert first.run([1]) == [["first", 1]]

        @register_node(name="Redefined")
        class Second(Node):
            def process(self, x):
                return ("second", x)

        assert Pipeline(Second()).run([1]) == [["second", 1]]
    """))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_run_takes_any_iterable_of_items_but_not_one_bare_array():
    import numpy as np

    from remotemedia import InputError

    p = Pipeline(MultiplyNode(factor=2))
    assert p.run(range(3)) == [0, 2, 4]
    assert p.run(x for x in (1, 2)) == [2, 4]
    with pytest.raises(InputError, match=r"wrap a single item"):
        p.run(np.zeros(3))
    assert repr(p) == "Pipeline(multiply_0=MultiplyNode(factor=2))"
