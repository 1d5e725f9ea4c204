"""execute_pipeline / execute_pipeline_with_input: Python objects out, typed errors carrying the
runtime's error object, the same results and errors as the CLI."""

import json

import numpy as np
import pytest

import remotemedia
from remotemedia import InputError, ManifestError, NodeError, PipelineError

CALC = {"version": "v1", "nodes": [{"id": "m", "node_type": "MultiplyNode", "params": {"factor": 2}},
                                   {"id": "a", "node_type": "AddNode", "params": {"addend": 10}}],
        "connections": [{"from": "m", "to": "a"}]}


def test_results_are_python_objects_with_ints_kept_ints_and_floats_floats():
    r = remotemedia.execute_pipeline_with_input(json.dumps(CALC), [1, 2.5, "x", None, [1, 2]])
    assert r["status"] == "success"
    assert r["outputs"] == [12, 15.0, "x", None, [12, 14]]
    assert [type(v) for v in r["outputs"][:2]] == [int, float]
    assert r["graph_info"]["execution_order"] == ["m", "a"]
    assert r["execution_time_ms"] >= 0


def test_a_dict_manifest_runs_like_its_json_text():
    assert remotemedia.execute_pipeline_with_input(CALC, (1, 2))["outputs"] == [12, 14]


def test_execute_pipeline_without_inputs_gives_no_outputs():
    assert remotemedia.execute_pipeline(CALC)["outputs"] == []


def test_outputs_match_the_cli_for_the_same_manifest_and_inputs(cli, tmp_path):
    path = tmp_path / "calc.json"
    path.write_text(json.dumps(CALC))
    code, response = cli("run", str(path), "--input", "[1, 2.5, [3]]")
    assert code == 0
    assert remotemedia.execute_pipeline_with_input(CALC, [1, 2.5, [3]])["outputs"] == response["outputs"]


@pytest.mark.parametrize("manifest, inputs, exc, code", [
    ({"version": "v1", "nodes": [{"id": "x", "node_type": "MultiplyNod"}]}, [1], ManifestError, 3),
    ('{"version": "v1", "nodes": [', [1], ManifestError, 3),
    ({"version": "v1", "nodes": [{"id": "x", "node_type": "AddNode", "params": {"adend": 1}}]}, [1], ManifestError, 3),
    ({"version": "v1", "nodes": [{"id": "c", "node_type": "CalculatorNode", "params": {"operation": "divide"}}]},
     [1], NodeError, 4),
    (CALC, [{"__numpy__": True, "array": {"meta": {"dtype": "float99", "shape": [1]}, "data": ""}}], InputError, 3),
])
def test_errors_raise_the_class_of_the_cli_exit_code_with_the_cli_error_object(cli, tmp_path, manifest, inputs, exc,
                                                                                code):
    with pytest.raises(exc) as caught:
        remotemedia.execute_pipeline_with_input(manifest, inputs)
    err = caught.value
    assert isinstance(err, PipelineError) and err.exit_code == code
    path = tmp_path / "m.json"
    path.write_text(manifest if isinstance(manifest, str) else json.dumps(manifest))
    cli_code, cli_error = cli("run", str(path), "--input", json.dumps(inputs))
    assert cli_code == code
    expected = cli_error["error"]
    if exc is InputError:  # the CLI names where the input came from
        expected["message"] = expected["message"].removeprefix("--input: ")
    assert err.error == expected
    assert str(err) == expected["message"]


def test_unknown_node_type_error_carries_the_suggestion():
    with pytest.raises(ManifestError) as caught:
        remotemedia.execute_pipeline({"version": "v1", "nodes": [{"id": "x", "node_type": "MultiplyNod"}]})
    assert caught.value.code == "unknown_node_type"
    assert caught.value.error["suggestion"] == "MultiplyNode"
    assert caught.value.field == "nodes[0].node_type"


def test_unserializable_input_is_an_input_error_naming_the_item():
    with pytest.raises(InputError) as caught:
        remotemedia.execute_pipeline_with_input(CALC, [1, {1, 2}])
    assert caught.value.error["item"] == 1 and caught.value.field == "input[1]"
    assert "set" in str(caught.value)


def test_inputs_that_are_not_a_list_say_to_wrap_the_item():
    with pytest.raises(InputError, match=r"wrap a single item as \[item\]"):
        remotemedia.execute_pipeline_with_input(CALC, np.zeros(3))


def test_tagged_json_inputs_become_arrays_as_at_the_cli():
    item = {"__numpy__": True, "array": {"meta": {"dtype": "int16", "shape": [2]}, "data": "AQACAA=="}}
    out = remotemedia.execute_pipeline_with_input({"version": "v1", "nodes": [{"id": "p", "node_type": "PassThrough"}]},
                                                  [item])["outputs"]
    assert out[0].dtype == np.int16 and out[0].tolist() == [1, 2]


def test_python_node_exception_is_a_node_error_with_the_traceback():
    code = "class Boom:\n    def process(self, x):\n        raise ValueError('no ' + str(x))\n"
    manifest = {"version": "v1", "nodes": [{"id": "b", "node_type": "PythonNode",
                                            "params": {"code": code, "class": "Boom"}}]}
    with pytest.raises(NodeError) as caught:
        remotemedia.execute_pipeline_with_input(manifest, [7])
    assert "ValueError: no 7" in str(caught.value)
    assert caught.value.node == "b"
    assert 'line 3, in process' in caught.value.error["traceback"]


def test_python_nodes_print_to_the_callers_stdout_not_stderr(capfd):
    # In the CLI, Python's stdout is redirected to stderr (stdout carries results); a Python
    # caller's own interpreter must be left as it is.
    code = "class Say:\n    def process(self, x):\n        print('said', x)\n        return x\n"
    manifest = {"version": "v1", "nodes": [{"id": "s", "node_type": "PythonNode",
                                            "params": {"code": code, "class": "Say"}}]}
    remotemedia.execute_pipeline_with_input(manifest, [1], threads=1)
    out, err = capfd.readouterr()
    assert "said 1" in out and "said" not in err
