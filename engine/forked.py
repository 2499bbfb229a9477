"""Work split over forked worker processes, so judging a large estate uses every core.

regorus holds the GIL while it evaluates, so threads cannot share the work; processes can. They
are forked rather than spawned: a worker starts with the parent's loaded runtimes and estate
already in its memory (shared copy-on-write; `collect_paths` freezes what it read, so the
collector does not write to those pages), where a spawned one would parse and load them again,
costing each worker about what the split saves. Where fork is not safe (off Linux), the work
runs in this process as one part.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from .rego import EvaluationError

T = TypeVar("T")


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, as a container limits it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether workers can be forked safely from here: on Linux (macOS offers fork too, but its
    system libraries are not safe to use after it).

    Other threads may be running (a client library's idle pool, a server's loop). A worker only
    evaluates and sends its result down a pipe, so it needs no lock one of them might hold at
    the fork, and CPython renews its own (the import lock, logging's) in the child.
    """
    return sys.platform.startswith("linux")


def _run_part(work: Callable[[int, int], Any], part: int, parts: int, results: Connection) -> None:
    """In the worker: send back the part's result, or the exception that stopped it."""
    try:
        results.send((True, work(part, parts)))
    except BaseException as error:
        try:
            results.send((False, error))
        except Exception:  # an exception that cannot be pickled goes back as its text
            results.send((False, RuntimeError(f"{type(error).__name__}: {error}")))
    finally:
        results.close()


def run_parts(work: Callable[[int, int], T], parts: int) -> list[T]:
    """`[work(0, parts), ..., work(parts - 1, parts)]`: part 0 here, every other part in a
    process of its own, forked before part 0 starts so each sees the same state.

    With one part, or where workers cannot be forked, `work(0, 1)` runs here and is the only
    result: a caller must split its work by the `parts` it is given, not by the one it asked.
    An exception in a part is raised here; a worker that dies (killed, out of memory) is an
    `EvaluationError`, never a silent gap.
    """
    if parts <= 1 or not can_fork():
        return [work(0, 1)]
    context = multiprocessing.get_context("fork")
    workers = []
    try:
        for part in range(1, parts):
            receiving, sending = context.Pipe(duplex=False)
            # The work travels by fork, not by pickling: a closure over runtimes cannot be pickled.
            worker = context.Process(target=_run_part, args=(work, part, parts, sending), daemon=True)
            worker.start()
            sending.close()
            workers.append((worker, receiving))
        here = work(0, parts)
        return [here, *(_result_of(worker, receiving) for worker, receiving in workers)]
    finally:
        for worker, receiving in workers:
            receiving.close()
            if worker.is_alive():
                worker.kill()
            worker.join()


def _result_of(worker: Any, receiving: Connection) -> Any:
    try:
        succeeded, value = receiving.recv()
    except EOFError:
        worker.join()
        raise EvaluationError(
            f"an evaluation worker process died (exit {worker.exitcode}); retry with --jobs 1"
        ) from None
    if not succeeded:
        raise value
    return value
