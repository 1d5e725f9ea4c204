"""Built-in Python nodes, registered on import."""

from .data_transform import DataTransformNode
from .text_processor import TextProcessorNode

__all__ = ["DataTransformNode", "TextProcessorNode"]
