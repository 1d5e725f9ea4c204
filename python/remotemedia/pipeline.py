"""Pipelines as Python code.

    from remotemedia import Pipeline
    from remotemedia.nodes import MultiplyNode, AddNode
    p = Pipeline(MultiplyNode(factor=2), AddNode(addend=10))
    p.run([1, 2, 3])        # [12, 14, 16]
    p.serialize()           # the v1 manifest; ids multiply_0, add_1

A Pipeline is a manifest being written: ``serialize()`` gives exactly what the runtime runs, and
``run()`` runs that manifest in this process through the extension module (remotemedia._core),
the same way ``remotemedia run`` runs a saved one.
"""

import json
import os
import re

from . import _core
from .node import registered_nodes

_PARAM_TYPES = {"integer": "int", "number": "float", "string": "str", "bool": "bool", "enum": "str",
                "array": "list", "object": "dict", "any": "any"}


class NodeSpec:
    """A node as a manifest names it: a node type and its params.

    The classes in ``remotemedia.nodes`` for the C++ nodes are NodeSpec subclasses generated from
    the runtime's schemas; a NodeSpec can name any other type too (a Python node type of the
    manifest's ``python`` section, say)."""

    def __init__(self, node_type, params=None, *, is_streaming=False):
        self.node_type = node_type
        self.params = dict(params or {})
        self.is_streaming = bool(is_streaming)

    def __eq__(self, other):
        return isinstance(other, NodeSpec) and (self.node_type, self.params, self.is_streaming) == (
            other.node_type, other.params, other.is_streaming)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        if type(self) is NodeSpec:
            return f"NodeSpec({self.node_type!r}, {self.params!r})"
        return f"{type(self).__name__}({args})"


def _docstring(schema):
    lines = [schema["description"], ""]
    if schema["params"]:
        lines.append("Parameters:")
    for p in schema["params"]:
        kind = p["type"] + (": " + "|".join(p["choices"]) if p.get("choices") else "")
        state = "required" if p.get("required") else f"default {json.dumps(p.get('default'))}"
        alias = "".join(f", alias {a}" for a in p.get("aliases", []))
        lines.append(f"    {p['name']} ({kind}, {state}{alias}): {p['doc']}")
    return "\n".join(lines).rstrip()


def _signature(schema):
    import inspect  # only for help() and IDEs; not worth loading for every import

    params, rest = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)], False
    for p in schema["params"]:
        if not p["name"].isidentifier() or __import__("keyword").iskeyword(p["name"]):
            rest = True  # e.g. PythonNode's `class`: only reachable as **{"class": ...}
            continue
        default = inspect.Parameter.empty if p.get("required") else p.get("default")
        params.append(inspect.Parameter(p["name"], inspect.Parameter.KEYWORD_ONLY, default=default))
    if rest:
        params.append(inspect.Parameter("params", inspect.Parameter.VAR_KEYWORD))
    return inspect.Signature(params)


def _node_class(schema):
    node_type = schema["name"]

    def __init__(self, **params):
        # Checked now, with the runtime's own rules and messages (ManifestError, "did you mean").
        _core.validate_params(node_type, params, node_type)
        NodeSpec.__init__(self, node_type, params)

    __init__.__signature__ = _signature(schema)
    return type(node_type, (NodeSpec,), {
        "__init__": __init__, "__doc__": _docstring(schema), "__module__": "remotemedia.nodes",
        "schema": schema})


def node_classes(schemas):
    """One NodeSpec subclass per node type schema (``remotemedia._core.node_types()``)."""
    return [_node_class(s) for s in schemas]


def _known_class(node_type):
    from . import nodes

    cls = getattr(nodes, node_type, None)
    return cls if isinstance(cls, type) and issubclass(cls, NodeSpec) else None


def _snake(name):
    if name.endswith("Node") and name != "Node":
        name = name[:-4]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower() or "node"


def _python_spec(obj):
    """A Python node (any object with process()) as a manifest node. The runtime builds its own
    instance from the params, so the params are the object's ``config`` (what remotemedia.Node
    keeps of its keyword arguments). Returns (spec, module to import or None)."""
    cls = type(obj)
    params = dict(getattr(obj, "config", None) or {})
    module = cls.__module__
    for name, registered in registered_nodes().items():
        if registered is cls:
            needs_import = module != "__main__" and module.split(".")[0] != "remotemedia"
            return NodeSpec(name, params), module if needs_import else None
    if "." in cls.__qualname__:
        raise TypeError(f"{cls.__qualname__} is defined inside a function or class: the runtime loads node classes "
                        "by module and name, so define it at the top level of a module (or register it "
                        "with @remotemedia.register_node)")
    return NodeSpec("PythonNode", {"module": module, "class": cls.__qualname__, "kwargs": params}), None


_LAST = object()


class Pipeline:
    """Nodes and their connections; ``Pipeline(a, b, c)`` chains them.

    Branches: ``add(node, after=...)`` connects a node after any earlier ones (an id, a node
    object, or a list of them for fan-in; ``after=[]`` makes another source) and ``connect(a, b)``
    adds a connection. Node ids are ``<snake_case type>_<index>`` unless given.
    """

    def __init__(self, *nodes, name=None, description=None):
        self.metadata = {"name": name} if name else {}
        if description:
            self.metadata["description"] = description
        self.python = {}  # the manifest's python section: {"paths": [...], "modules": [...]}
        self.base_dir = "."  # what relative paths in the manifest are relative to
        self.extra = {}  # other top-level manifest fields, kept as read (a package's "runtime")
        self._nodes = []  # [(id, node)]: node a NodeSpec or a Python node object
        self._connections = []  # [(from id, to id)]
        for node in nodes:
            self.add(node)

    # -- building --------------------------------------------------------------------------

    def add(self, node, *, after=_LAST, id=None):
        """Adds a node, after the last one added unless ``after`` says otherwise; returns its id."""
        if not isinstance(node, NodeSpec):
            if isinstance(node, type) or not callable(getattr(node, "process", None)):
                raise TypeError(f"a pipeline node is a remotemedia.nodes node or an object with a process() "
                                f"method, got {node!r}")
            _python_spec(node)  # fails now, not at run time, for classes the runtime cannot load
        node_id = id if id is not None else f"{_snake(self._type_name(node))}_{len(self._nodes)}"
        if any(existing == node_id for existing, _ in self._nodes):
            raise ValueError(f"the pipeline already has a node '{node_id}'")
        preds = ([self._nodes[-1][0]] if self._nodes else []) if after is _LAST else self._ids(after)
        self._nodes.append((node_id, node))
        self._connections += [(p, node_id) for p in preds]
        return node_id

    def connect(self, source, target):
        """Connects two nodes already in the pipeline (ids or node objects)."""
        (src,), (dst,) = self._ids(source), self._ids(target)
        self._connections.append((src, dst))

    def __repr__(self):
        nodes = ", ".join(f"{node_id}={node!r}" for node_id, node in self._nodes)
        return f"Pipeline({nodes})"

    @property
    def node_ids(self):
        return [node_id for node_id, _ in self._nodes]

    @staticmethod
    def _type_name(node):
        return node.node_type if isinstance(node, NodeSpec) else type(node).__name__

    def _ids(self, refs):
        refs = refs if isinstance(refs, (list, tuple)) else [] if refs is None else [refs]
        out = []
        for ref in refs:
            found = [i for i, n in self._nodes if (i == ref if isinstance(ref, str) else n is ref)]
            if not found:
                raise ValueError(f"{ref!r} is not a node of this pipeline (nodes: {', '.join(self.node_ids)})")
            out.append(found[0])
        return out

    # -- manifests -------------------------------------------------------------------------

    def serialize(self):
        """The v1 manifest (a dict), as ``remotemedia run`` reads it."""
        nodes, modules, registered = [], list(self.python.get("modules", [])), False
        for node_id, node in self._nodes:
            spec = node
            if not isinstance(node, NodeSpec):
                spec, module = _python_spec(node)
                registered |= spec.node_type != "PythonNode"
                if module and module not in modules:
                    modules.append(module)
            entry = {"id": node_id, "node_type": spec.node_type}
            if spec.params:
                entry["params"] = spec.params
            if spec.is_streaming:
                entry["is_streaming"] = True
            nodes.append(entry)
        manifest = {"version": "v1"}
        if self.metadata:
            manifest["metadata"] = dict(self.metadata)
        manifest["nodes"] = nodes
        if self._connections:
            manifest["connections"] = [{"from": a, "to": b} for a, b in self._connections]
        python = dict(self.python)
        if modules:
            python["modules"] = modules
        manifest.update(self.extra)
        if python or registered:
            # Even empty, the section has the runtime look the registered classes up again on every
            # run, so a class registered anew (edited in a notebook, say) is the one that runs.
            manifest["python"] = python
        return manifest

    def to_json(self, indent=2):
        return json.dumps(self.serialize(), indent=indent)

    def save(self, path):
        """Writes the manifest to ``path`` (JSON), for ``remotemedia run`` or from_manifest()."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json() + "\n")

    @classmethod
    def from_manifest(cls, source, base_dir=None):
        """A pipeline from a manifest: a dict, JSON text, or a path to a manifest file. Checked
        the way ``remotemedia validate`` checks it (ManifestError). Relative paths in it stay
        relative to the manifest's folder (``base_dir``)."""
        if isinstance(source, dict):
            doc, folder = source, "."
        elif isinstance(source, str) and source.lstrip().startswith("{"):
            doc, folder = source, "."
        elif isinstance(source, (str, os.PathLike)):
            path = os.fspath(source)
            with open(path, encoding="utf-8") as f:
                doc, folder = f.read(), os.path.dirname(path) or "."
        else:
            raise TypeError(f"a manifest is a dict, JSON text or a path, got {type(source).__name__}")
        folder = base_dir if base_dir is not None else folder
        _core.validate(doc, base_dir=folder)  # the runtime's own checks and messages, before anything else
        if isinstance(doc, str):
            doc = json.loads(doc)
        p = cls()
        p.metadata = dict(doc.get("metadata") or {})
        p.python = dict(doc.get("python") or {})
        p.base_dir = folder
        p.extra = {k: v for k, v in doc.items() if k not in ("version", "metadata", "nodes", "connections", "edges",
                                                               "python")}
        for n in doc["nodes"]:
            node_type = n.get("node_type", n.get("type"))
            params = n.get("params") or {}
            known = _known_class(node_type)
            node = known(**params) if known else NodeSpec(node_type, params)
            node.is_streaming = bool(n.get("is_streaming", False))
            p.add(node, id=n["id"], after=[])
        for c in doc.get("connections", doc.get("edges", [])):
            p.connect(c["from"], c["to"])
        return p

    # -- running ---------------------------------------------------------------------------

    def execute(self, inputs=(), *, threads=None):
        """Runs the pipeline on a list of input items; returns the runtime's response dict
        (status, outputs, execution_time_ms, graph_info). Errors raise PipelineError subclasses."""
        if not isinstance(inputs, (list, tuple, dict, str, bytes)) and not hasattr(inputs, "__array_interface__") \
                and hasattr(inputs, "__iter__"):
            inputs = list(inputs)  # a generator or range; one array or dict stays one (refused) item
        return _core.execute_pipeline_with_input(self.serialize(), inputs, threads=threads or 0,
                                                 base_dir=self.base_dir)

    def run(self, inputs=(), *, threads=None):
        """Runs the pipeline on a list of input items and returns the outputs (a list).
        ``threads``: None or 0 for all cores, 1 to run serially."""
        return self.execute(inputs, threads=threads)["outputs"]

    def session(self, *, threads=None, queue=8):
        """Opens the pipeline as a session (remotemedia.session.Session): nodes open once, ``push``
        items, ``outputs()`` as they come; leaving the ``with`` block (or ``close()``) ends the input.
        ``queue``: items in flight before ``push`` blocks."""
        from .session import Session

        return Session(self.serialize(), threads=threads, base_dir=self.base_dir, queue=queue)

    def pack(self, path, *, sign=None, models=(), python_dir=None, wasm_dir=None):
        """Writes the pipeline as a .rmpkg package with the CLI's packer (``remotemedia pack``,
        docs/packages.md): the manifest, the WASI module it needs, Python's stdlib and files,
        models, provenance, and a signature with ``sign`` (a secret key from ``remotemedia
        keygen``). ``wasm_dir``: the folder of the WASI module (``build/wasi``, or
        ``build/wasi-python`` for pipelines with Python or Whisper nodes), else
        ``$REMOTEMEDIA_WASM_DIR``. Returns the summary ``remotemedia pack`` prints."""
        from .errors import ManifestError

        def path_text(p):
            return os.fspath(p) if p is not None else ""

        try:
            return _core.pack(self.serialize(), os.fspath(path), base_dir=self.base_dir,
                              models=[os.fspath(m) for m in models], python_dir=path_text(python_dir),
                              sign=path_text(sign), wasm_dir=path_text(wasm_dir))
        except ManifestError as e:
            if e.code != "missing_wasm_module" or wasm_dir is not None:
                raise
            # The packer looks next to the CLI binary; from Python, say how to point it at the module.
            error = dict(e.error, message=e.error["message"] + "; from Python: pack(..., wasm_dir=...) or "
                                                                "$REMOTEMEDIA_WASM_DIR")
            raise ManifestError(error["message"], error) from None

    def validate(self):
        """Checks the pipeline as ``remotemedia validate`` does; returns the graph info."""
        return _core.validate(self.serialize(), base_dir=self.base_dir)
