"""Group commit: many concurrent callers share one append transaction.

Callers (webhook request handlers, audit shards) sign their record on their own thread and hand it
to `GroupAppender.append`, which blocks until the record's transaction has committed. One writer
thread takes everything queued while the previous transaction was in flight and appends it as one
batch, so a burst costs one fsync instead of one per decision. If the batch fails, every caller in
it gets the error: nothing is acknowledged that is not durable.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

from ..engine.models import EvidenceReceipt
from .errors import RecordingError
from .keys import Signer
from .store import EvidenceStore
from .tables import EntryCreate


@dataclass(frozen=True)
class _Pending:
    record: EntryCreate
    future: Future[EvidenceReceipt]


class GroupAppender:
    """A writer thread batching appends to `store`, at most `max_batch` records per transaction.

    `on_depth`, if given, is told the number of records handed over and not yet committed each
    time the writer takes a batch and each time it finishes one: once per batch, not per record.
    """

    def __init__(
        self,
        store: EvidenceStore,
        signer: Signer,
        max_batch: int = 512,
        on_depth: Callable[[int], None] | None = None,
    ):
        self.store = store
        self.signer = signer
        self.max_batch = max_batch
        self.on_depth = on_depth
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._in_flight = 0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="gavel-evidence-appender", daemon=True)
        self._thread.start()

    def submit(self, record: EntryCreate) -> Future[EvidenceReceipt]:
        if self._closed:
            raise RecordingError("the evidence appender is closed")
        future: Future[EvidenceReceipt] = Future()
        self._queue.put(_Pending(record, future))
        return future

    @property
    def pending(self) -> int:
        """Records handed over and not yet committed (queued, or in the transaction under way)."""
        return self._queue.qsize() + self._in_flight

    def append(self, record: EntryCreate) -> EvidenceReceipt:
        """Block until `record` is durable in the log; raises if it could not be recorded."""
        return self.submit(record).result()

    def close(self) -> None:
        """Flush what is queued, then stop the writer thread."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()

    def __enter__(self) -> GroupAppender:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            self._in_flight = len(batch)
            self._report_depth()
            self._commit(batch)

    def _settled(self) -> None:
        """The batch is over: the depth drops before any of its callers learns the outcome."""
        self._in_flight = 0
        self._report_depth()

    def _report_depth(self) -> None:
        if self.on_depth is not None:
            self.on_depth(self.pending)

    def _commit(self, batch: list[_Pending]) -> None:
        # A caller that stopped waiting (a webhook request past its deadline cancels its future)
        # still had its answer given, so its record is appended all the same; marking the rest
        # running means no cancel can land between here and their results. Setting a result on a
        # cancelled future would raise and end this thread, and with it all further recording.
        waiting = [pending.future.set_running_or_notify_cancel() for pending in batch]
        try:
            receipts = self.store.append([pending.record for pending in batch], self.signer)
        except Exception as error:  # every waiting caller must learn its record was not recorded
            self._settled()
            for pending, wants in zip(batch, waiting, strict=True):
                if wants:
                    pending.future.set_exception(error)
            return
        self._settled()
        for pending, wants, receipt in zip(batch, waiting, receipts, strict=True):
            if wants:
                pending.future.set_result(receipt)
