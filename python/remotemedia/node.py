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
    docstring, and its constructor's parameters (name, default, required). Reads the code object
    rather than using `inspect`, which would pull a large part of the standard library into the
    wasm build."""
    doc = (cls.__doc__ or "").strip()
    summary = " ".join(doc.split("\n\n")[0].split()) or "Python node"
    init = getattr(cls, "__init__", None)
    code = getattr(init, "__code__", None)
    params = []
    if code is not None:
        positional = code.co_varnames[1:code.co_argcount]  # after self
        keyword_only = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
        defaults = dict(zip(positional[len(positional) - len(init.__defaults__ or ()):], init.__defaults__ or ()))
        defaults.update(init.__kwdefaults__ or {})
        for name in positional + keyword_only:
            entry = {"name": name, "required": name not in defaults}
            value = defaults.get(name)
            if name in defaults and (value is None or isinstance(value, (bool, int, float, str))):
                entry["default"] = value
            params.append(entry)
    return {"doc": summary, "params": params}
