"""The GIL is released while C++ nodes run, and Python nodes inside a pipeline work when the
caller is Python, on the thread-pool scheduler too (one interpreter, no deadlock)."""

import subprocess
import sys
import textwrap
import threading

import numpy as np

import remotemedia
from remotemedia import Audio, Pipeline
from remotemedia.nodes import AudioResampleNode, PassThrough


def run_isolated(code):
    """Runs `code` in a fresh interpreter, so a deadlock fails the test (timeout) instead of hanging it."""
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_other_python_threads_run_while_cpp_nodes_run():
    # With a switch interval of 1000 s the main thread never yields the GIL on its own: the
    # watcher can only see `inside` set if the call released the GIL while the C++ node worked.
    audio = Audio(np.random.default_rng(1).standard_normal((16000 * 16, 1)).astype(np.float32), 16000)
    pipeline = Pipeline(AudioResampleNode(target_sample_rate=44100))
    state = {"inside": False, "seen_inside": False, "stop": False}
    ready = threading.Event()

    def watch():
        ready.set()
        while not state["stop"]:
            state["seen_inside"] |= state["inside"]
            threading.Event().wait(0.0005)  # releases the GIL, as any blocking call does

    old = sys.getswitchinterval()
    watcher = threading.Thread(target=watch)
    watcher.start()
    ready.wait()
    sys.setswitchinterval(1000)
    try:
        state["inside"] = True
        (out,) = pipeline.run([audio], threads=1)
        state["inside"] = False
    finally:
        sys.setswitchinterval(old)
        state["stop"] = True
        watcher.join()
    assert out.sample_rate == 44100
    assert state["seen_inside"]


def test_python_nodes_on_parallel_branches_meet_on_two_threads():
    # Two Python nodes on parallel branches wait for each other at a barrier: the pipeline only
    # finishes if both run at once on two threads, each taking the GIL while the caller waits.
    out = run_isolated("""
        import threading, remotemedia
        from remotemedia import Node, Pipeline, register_node
        from remotemedia.nodes import PassThrough

        barrier = threading.Barrier(2, timeout=60)
        threads = set()

        @register_node
        class Meet(Node):
            def process(self, x):
                threads.add(threading.get_ident())
                barrier.wait()
                return x + self.config["add"]

        p = Pipeline()
        src = p.add(PassThrough())
        p.add(Meet(add=100), after=src)
        p.add(Meet(add=200), after=src)
        outputs = p.run([1, 2, 3], threads=2)
        assert sorted(outputs) == [101, 102, 103, 201, 202, 203], outputs
        assert len(threads) == 2, threads
        print("ok")
    """)
    assert out.strip() == "ok"


def test_python_callers_on_many_threads_run_python_nodes_at_once():
    out = run_isolated("""
        import threading, remotemedia
        code = "class Twice:\\n    def process(self, x):\\n        return [x, x]\\n"
        manifest = {"version": "v1", "nodes": [
            {"id": "a", "node_type": "MultiplyNode", "params": {"factor": 3}},
            {"id": "t", "node_type": "PythonNode", "params": {"code": code, "class": "Twice"}},
            {"id": "b", "node_type": "AddNode", "params": {"addend": 1}}],
            "connections": [{"from": "a", "to": "t"}, {"from": "t", "to": "b"}]}
        results, errors = {}, []
        def caller(n):
            try:
                for _ in range(20):
                    results[n] = remotemedia.execute_pipeline_with_input(manifest, list(range(300)), threads=2)["outputs"]
            except Exception as e:
                errors.append(e)
        workers = [threading.Thread(target=caller, args=(n,)) for n in range(4)]
        [w.start() for w in workers]
        [w.join() for w in workers]
        assert not errors, errors
        expected = [[3 * i + 1, 3 * i + 1] for i in range(300)]
        assert all(results[n] == expected for n in range(4))
        print("ok")
    """)
    assert out.strip() == "ok"


def test_the_default_thread_pool_runs_a_mixed_pipeline_like_the_serial_one():
    code = "class Neg:\n    def process(self, x):\n        return -x\n"
    manifest = {"version": "v1", "nodes": [
        {"id": "s", "node_type": "PassThrough"},
        {"id": "n", "node_type": "PythonNode", "params": {"code": code, "class": "Neg"}},
        {"id": "m", "node_type": "MultiplyNode", "params": {"factor": 2}}],
        "connections": [{"from": "s", "to": "n"}, {"from": "s", "to": "m"}]}
    items = list(range(1000))
    parallel = remotemedia.execute_pipeline_with_input(manifest, items)["outputs"]
    serial = remotemedia.execute_pipeline_with_input(manifest, items, threads=1)["outputs"]
    assert parallel == serial and len(parallel) == 2000


def test_threads_loading_python_node_types_while_others_run_them():
    # Every run of a manifest with a python section updates the process-wide node registry, while
    # other threads' pipelines are running theirs: those use their own copies of the node types.
    out = run_isolated("""
        import threading
        from remotemedia import Node, Pipeline, register_node
        from remotemedia.nodes import MultiplyNode, PassThrough

        @register_node
        class Label(Node):
            def __init__(self, label="", **config):
                super().__init__(label=label, **config)
                self.label = label
            def process(self, x):
                return f"{self.label}{x}"

        errors = []
        def caller(n):
            p = Pipeline(MultiplyNode(factor=n), Label(label=f"t{n}:"), PassThrough())
            expected = [f"t{n}:{n * i}" for i in range(50)]
            try:
                for _ in range(40):
                    assert p.run(list(range(50)), threads=2) == expected
            except Exception as e:
                errors.append(repr(e))
        workers = [threading.Thread(target=caller, args=(n,)) for n in range(1, 5)]
        [w.start() for w in workers]
        [w.join() for w in workers]
        assert not errors, errors
        print("ok")
    """)
    assert out.strip() == "ok"
