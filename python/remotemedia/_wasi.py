"""Inside the wasm (sys.platform == "wasi"): clear errors for what cannot be imported there."""

import sys

_MISSING = {
    "numpy": "numpy is not available inside WebAssembly (WASI): arrays reach Python nodes as "
    "read-only memoryviews with the right format and shape (see docs/python.md)",
}


class _Hints:
    """A meta path finder that fails known-missing modules with a message saying why."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        top = name.split(".")[0]
        if top in _MISSING:
            raise ModuleNotFoundError(_MISSING[top], name=name)
        return None


def install_import_hints():
    if not any(isinstance(f, _Hints) for f in sys.meta_path):
        sys.meta_path.insert(0, _Hints())
