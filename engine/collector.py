"""Cyclic garbage collection paused while an estate is built in bulk.

Each automatic collection walks every live container object, and collecting, resolving and
indexing an estate of 40,000 resources allocates millions of them that all stay alive to the
end of the run: left on, the collector spends a quarter of `gavel check`'s CPU time walking
them again and again (benchmarks/estate_bench.py), and finds nothing, since resources, edges
and documents hold no reference cycles. Whatever garbage with cycles a block leaves (an
exception's traceback) is collected once the collector is back on.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, freeze: bool = False) -> Iterator[None]:
    """The cyclic collector off for the block, and back on after it if it was on before.

    Back on, the collector walks once more everything the block allocated. With `freeze`, for
    blocks whose results live to the end of a command (what `collect_paths` reads), it does not:
    when the block ends normally, every object alive is moved out of its sight (`gc.freeze`).
    Frozen objects are still freed when nothing refers to them; only cycles among them are not.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()
