"""The Node base class and the @register_node decorator."""

_REGISTRY = {}


class Node:
    """Optional base class for Python nodes.

    Subclasses get ``self.name`` (the ``name`` param, else the class name) and ``self.config``
    (the params they were built with). Only ``process`` is required.
    """

    def __init__(self, name=None, **config):
        self.name = name or type(self).__name__
        self.config = dict(config)
        if name is not None:
            self.config["name"] = name

    def initialize(self):
        pass

    def process(self, data):
        raise NotImplementedError(f"{type(self).__name__}.process() is not implemented")

    def flush(self):
        return None

    def cleanup(self):
        pass


def register_node(cls=None, *, name=None):
    """Registers a node class under its class name (or ``name``) so manifests can use it as a
    ``node_type``. Usable as ``@register_node`` or ``@register_node(name="Other")``."""

    def add(c):
        if not callable(getattr(c, "process", None)):
            raise TypeError(f"{c.__name__} cannot be a node: it has no process() method")
        _REGISTRY[name or c.__name__] = c
        return c

    return add(cls) if cls is not None else add


def registered_nodes():
    """name -> class, for every registered Python node."""
    return dict(_REGISTRY)


def node_schema(cls):
    """What `remotemedia nodes info` shows for a Python node: the first paragraph of its
    docstring, and its constructor's keyword parameters (name, default, required)."""
    import inspect

    doc = inspect.getdoc(cls) or ""
    summary = " ".join(doc.split("\n\n")[0].split()) or "Python node"
    params = []
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):
        signature = None
    for p in signature.parameters.values() if signature else []:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        entry = {"name": p.name, "required": p.default is p.empty}
        if p.default is not p.empty and (p.default is None or isinstance(p.default, (bool, int, float, str))):
            entry["default"] = p.default
        params.append(entry)
    return {"doc": summary, "params": params}
