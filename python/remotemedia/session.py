"""Sessions: a pipeline kept open while items are pushed through it.

    from remotemedia import Pipeline
    from remotemedia.nodes import MultiplyNode, BatchNode
    with Pipeline(MultiplyNode(factor=2), BatchNode(size=2)).session() as s:
        s.push(1)
        s.push(2)
        s.outputs()     # [[2, 4]] (serially at once; on threads once the item is through)
        s.push(3)
    s.outputs()         # [[6]]: leaving the block is end of input (the nodes flush)

The nodes open once (models load once), outputs come as they are produced, and they are the
outputs a run over the same items gives, in the same order (docs/executor.md). ``push`` blocks
while ``queue`` items are still going through the pipeline (backpressure); with ``threads=1``
each push runs its item through the whole pipeline before it returns. A node's failure raises
from ``push`` or ``close`` (PipelineError subclasses); the outputs before it stay available.
"""

import os

from . import _core


class Session:
    """An open pipeline. Use it as a context manager, or call ``close()`` yourself."""

    def __init__(self, manifest, *, threads=None, base_dir=".", queue=8):
        self._session = _core.Session(manifest, threads=threads or 0, base_dir=os.fspath(base_dir), queue=queue)
        self._rest = []

    def push(self, item):
        """Pushes one input item (any value ``run`` takes as an item)."""
        self._session.push(item)

    def outputs(self):
        """The outputs produced since the last call (a list, possibly empty), in order."""
        out, self._rest = self._rest + self._session.take_outputs(), []
        return out

    def close(self):
        """End of input: the nodes flush and close. Returns every output not yet taken."""
        self._rest += self._session.close()
        return self.outputs()

    @property
    def closed(self):
        return not self._session.is_open

    @property
    def items_pushed(self):
        return self._session.items_pushed

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._session.is_open:
            if exc_type is None:
                self._rest += self._session.close()  # kept for outputs() after the block
            else:
                del self._session  # no flush after an error: the nodes just close
                self._session = _Closed()
        return False


class _Closed:
    is_open = False
    items_pushed = 0

    def take_outputs(self):
        return []

    def push(self, item):
        raise RuntimeError("push() on a closed session")

    def close(self):
        raise RuntimeError("close() on a closed session")


def open_session(manifest, *, threads=None, base_dir=".", queue=8):
    """A session over a manifest (JSON text or a dict); see Session."""
    return Session(manifest, threads=threads, base_dir=base_dir, queue=queue)
