"""DataTransformNode: a second small example node."""

from ..node import Node, register_node


@register_node
class DataTransformNode(Node):
    """Transforms numbers: operation passthrough (default), double or increment.

    Lists are transformed element-wise; other values pass through."""

    _OPS = {"passthrough": lambda x: x, "double": lambda x: x * 2, "increment": lambda x: x + 1}

    def __init__(self, operation="passthrough", **config):
        super().__init__(operation=operation, **config)
        if operation not in self._OPS:
            raise ValueError(f"operation must be one of {', '.join(self._OPS)}, got {operation!r}")
        self.operation = operation

    def _apply(self, x):
        if isinstance(x, bool):
            return x
        if isinstance(x, (int, float)):
            return self._OPS[self.operation](x)
        if isinstance(x, list):
            return [self._apply(v) for v in x]
        return x

    def process(self, data):
        return self._apply(data)
