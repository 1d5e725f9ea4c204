"""numpy arrays and remotemedia.Audio cross the boundary without copying, both ways."""

import numpy as np

import remotemedia
from remotemedia import Audio, Pipeline
from remotemedia.nodes import AudioResampleNode, PassThrough

PASS = {"version": "v1", "nodes": [{"id": "p", "node_type": "PassThrough"}]}


def address(a):
    return a.__array_interface__["data"][0]


def test_array_through_cpp_nodes_comes_back_sharing_the_callers_memory():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    (out,) = remotemedia.execute_pipeline_with_input(PASS, [a])["outputs"]
    assert np.shares_memory(out, a) and address(out) == address(a)
    assert out.shape == (3, 4) and out.dtype == np.float32
    assert not out.flags.writeable  # the runtime shares it: a copy is the way to change it


def test_array_output_fed_back_in_reuses_the_runtimes_buffer():
    code = "class Triple:\n    def process(self, x):\n        return x * 3\n"
    made = {"version": "v1", "nodes": [{"id": "t", "node_type": "PythonNode", "params": {"code": code, "class": "Triple"}}]}
    (first,) = remotemedia.execute_pipeline_with_input(made, [np.arange(5, dtype=np.float64)])["outputs"]
    (second,) = remotemedia.execute_pipeline_with_input(PASS, [first])["outputs"]
    assert first.tolist() == [0, 3, 6, 9, 12]
    assert np.shares_memory(second, first)


def test_output_keeps_its_memory_alive_after_the_input_is_gone():
    a = np.full(1000, 7, dtype=np.int32)
    (out,) = remotemedia.execute_pipeline_with_input(PASS, [a])["outputs"]
    del a
    assert out.sum() == 7000


def test_python_node_sees_the_callers_array_without_a_copy():
    a = np.arange(8, dtype=np.int16)
    code = "class Where:\n    def process(self, x):\n        return x.__array_interface__['data'][0]\n"
    manifest = {"version": "v1", "nodes": [
        {"id": "p", "node_type": "PassThrough"},
        {"id": "w", "node_type": "PythonNode", "params": {"code": code, "class": "Where"}}],
        "connections": [{"from": "p", "to": "w"}]}
    assert remotemedia.execute_pipeline_with_input(manifest, [a])["outputs"] == [address(a)]


def test_a_strided_view_is_copied_into_order_and_keeps_its_values():
    a = np.arange(12, dtype=np.float32).reshape(3, 4).T
    (out,) = remotemedia.execute_pipeline_with_input(PASS, [a])["outputs"]
    assert not np.shares_memory(out, a)
    assert np.array_equal(out, a)


def test_audio_crosses_both_ways_without_a_copy():
    samples = np.linspace(-1, 1, 16000 * 2, dtype=np.float32).reshape(16000, 2)
    audio = Audio(samples, 16000)
    (out,) = remotemedia.execute_pipeline_with_input(PASS, [audio])["outputs"]
    assert isinstance(out, Audio)
    assert (out.sample_rate, out.channels, out.frames) == (16000, 2, 16000)
    assert np.shares_memory(out.samples, samples)
    (again,) = remotemedia.execute_pipeline_with_input(PASS, [out])["outputs"]
    assert np.shares_memory(again.samples, samples)


def test_mono_audio_given_as_one_dimension_comes_back_as_frames_by_one():
    samples = np.zeros(800, dtype=np.float32)
    (out,) = remotemedia.execute_pipeline_with_input(PASS, [Audio(samples, 8000)])["outputs"]
    assert out.samples.shape == (800, 1) and np.shares_memory(out.samples, samples)


def test_audio_made_by_a_cpp_node_is_returned_as_an_array_over_its_buffer():
    t = np.arange(16000, dtype=np.float32) / 16000
    audio = Audio(np.sin(2 * np.pi * 440 * t).astype(np.float32).reshape(-1, 1), 16000)
    (out,) = Pipeline(AudioResampleNode(target_sample_rate=8000)).run([audio])
    assert out.sample_rate == 8000 and out.frames == 8000
    assert out.samples.base is not None and not out.samples.flags.owndata
    (again,) = Pipeline(PassThrough()).run([out])
    assert np.shares_memory(again.samples, out.samples)
