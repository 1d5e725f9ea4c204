"""RemoteMedia's Python side.

Inside the runtime (the interpreter the CLI embeds, or the one inside the wasm) this package holds
the base class and registry for Python nodes. A Python node is a class. The runtime constructs it
with the node's ``params`` as keyword arguments, then calls ``initialize()`` (optional) once,
``process(data)`` for every item, ``flush()`` (optional) at end of input and ``cleanup()``
(optional) at the end, also after a failure. ``process`` and ``flush`` return one value, ``None``
for nothing, or an iterator / generator for zero or more values.

Installed with ``pip install .``, the same package also drives the runtime from Python through
its extension module: ``execute_pipeline``, ``execute_pipeline_with_input`` and ``Pipeline``.
"""

from .audio import Audio
from .errors import InputError, InternalError, ManifestError, NodeError, PipelineError
from .node import Node, node_schema, register_node, registered_nodes

__all__ = ["Audio", "Node", "node_schema", "register_node", "registered_nodes",
           "PipelineError", "ManifestError", "InputError", "NodeError", "InternalError"]
__version__ = "0.1.0"

try:
    from ._core import execute_pipeline, execute_pipeline_with_input
except ModuleNotFoundError as missing:
    # The interpreters embedded in the CLI and in the wasm import this package without the
    # extension module. A present but broken one (ImportError) is not hidden.
    if missing.name != __name__ + "._core":
        raise
else:
    __all__ += ["execute_pipeline", "execute_pipeline_with_input", "Pipeline", "NodeSpec", "Session", "open_session"]


def __getattr__(name):
    # Loaded on first use: the embedded interpreters never need it (and the wasm ships a small stdlib).
    if name in ("Pipeline", "NodeSpec"):
        from . import pipeline

        return getattr(pipeline, name)
    if name in ("Session", "open_session"):
        from . import session

        return getattr(session, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __import__("sys").platform == "wasi":
    from ._wasi import install_import_hints

    install_import_hints()
