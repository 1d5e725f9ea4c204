"""The exceptions the runtime raises in Python, one class per kind of failure (the CLI's exit codes).

Each carries the runtime's error object, the ``error`` of the CLI's ``--error-format json``:
``type``, ``code``, ``message`` and, where they apply, ``node``, ``field``, ``suggestion``,
``line``, ``column``, ``item`` and ``traceback`` (of a failing Python node).
"""


class PipelineError(Exception):
    """A pipeline could not run. ``error`` is the runtime's error object (a dict)."""

    exit_code = 1

    def __init__(self, message, error=None):
        super().__init__(message)
        self.error = dict(error) if error else {"message": message}

    @property
    def code(self):
        """Stable machine-readable identifier, e.g. ``"unknown_node_type"``."""
        return self.error.get("code")

    @property
    def node(self):
        """Id of the node the error belongs to, or None."""
        return self.error.get("node")

    @property
    def field(self):
        """Path of the offending field (``"nodes[1].params.factor"``), or None."""
        return self.error.get("field")


class ManifestError(PipelineError):
    """The manifest is invalid: malformed JSON, an unknown node type, a bad parameter, a cycle, a
    file or a Python class it names that cannot be loaded (CLI exit code 3)."""

    exit_code = 3


class InputError(PipelineError):
    """An input item is invalid (CLI exit code 3). ``error["item"]`` is its index."""

    exit_code = 3


class NodeError(PipelineError):
    """A node failed while the pipeline ran, e.g. a division by zero or an exception in a Python
    node's ``process()`` (CLI exit code 4)."""

    exit_code = 4


class InternalError(PipelineError):
    """A bug in the runtime itself (CLI exit code 5)."""

    exit_code = 5
