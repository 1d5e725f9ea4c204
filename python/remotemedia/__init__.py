"""RemoteMedia's Python side: the base class and registry for Python nodes.

A Python node is a class. The runtime constructs it with the node's ``params`` as keyword
arguments, then calls ``initialize()`` (optional) once, ``process(data)`` for every item,
``flush()`` (optional) at end of input and ``cleanup()`` (optional) at the end, also after a
failure. ``process`` and ``flush`` return one value, ``None`` for nothing, or an iterator /
generator for zero or more values.
"""

from .audio import Audio
from .node import Node, node_schema, register_node, registered_nodes

__all__ = ["Audio", "Node", "node_schema", "register_node", "registered_nodes"]
__version__ = "0.1.0"

if __import__("sys").platform == "wasi":
    from ._wasi import install_import_hints

    install_import_hints()
