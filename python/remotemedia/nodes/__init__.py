"""Built-in Python nodes, registered on import. With the extension module (``pip install .``),
also one class per compiled-in C++ node type (MultiplyNode, AddNode, ...), generated from the
runtime's parameter schemas, for building pipelines as code (remotemedia.Pipeline)."""

from .data_transform import DataTransformNode
from .text_processor import TextProcessorNode

__all__ = ["DataTransformNode", "TextProcessorNode"]

try:
    from .._core import node_types as _node_types
except ModuleNotFoundError as _missing:
    # The interpreters embedded in the CLI and in the wasm: no extension module, no C++ classes.
    if _missing.name != "remotemedia._core":
        raise
else:
    from ..pipeline import node_classes as _node_classes

    for _cls in _node_classes(_node_types()):
        if _cls.__name__ not in globals():  # the Python built-ins keep their own classes
            globals()[_cls.__name__] = _cls
            __all__.append(_cls.__name__)
