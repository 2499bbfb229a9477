"""The group-commit appender outlives callers that stop waiting for their receipt."""

from __future__ import annotations

from pathlib import Path

from gavel.evidence.appender import GroupAppender
from gavel.evidence.keys import Signer
from gavel.evidence.records import decision_record
from gavel.evidence.store import EvidenceStore
from gavel.evidence.tables import EntryCreate

from .conftest import SUBJECTS, make_decision


def _record(store: EvidenceStore, signer: Signer, n: int) -> EntryCreate:
    return decision_record(
        make_decision(), signer=signer, origin=store.origin, subject_digests=SUBJECTS, context={"n": n}
    )


def test_a_cancelled_wait_still_records_and_later_appends_are_acknowledged(
    tmp_path: Path, signer: Signer
) -> None:
    store = EvidenceStore.open(f"sqlite:///{tmp_path / 'evidence.db'}")
    appender = GroupAppender(store, signer)
    try:
        blocked = store.database.exclusive()  # hold the writer lock so the batch queues up
        blocked.__enter__()
        first = appender.submit(_record(store, signer, 1))
        abandoned = appender.submit(_record(store, signer, 2))
        assert abandoned.cancel()  # what asyncio.wait_for does to a webhook request past its deadline
        blocked.__exit__(None, None, None)
        assert first.result(timeout=30).log_index == 0
        later = appender.submit(_record(store, signer, 3)).result(timeout=30)
    finally:
        appender.close()
    assert later.log_index == 2  # the abandoned record was appended too
    with store.snapshot() as connection:
        assert EvidenceStore.state(connection).tree_size == 3
    store.close()


def test_the_queue_depth_is_reported_per_batch_and_drops_before_callers_are_answered(
    tmp_path: Path, signer: Signer
) -> None:
    store = EvidenceStore.open(f"sqlite:///{tmp_path / 'evidence.db'}")
    depths: list[int] = []
    appender = GroupAppender(store, signer, on_depth=depths.append)
    try:
        blocked = store.database.exclusive()  # hold the writer lock so the second batch queues up
        blocked.__enter__()
        records = [_record(store, signer, n) for n in range(1, 5)]
        first = appender.submit(records[0])
        queued = [appender.submit(record) for record in records[1:]]
        assert appender.pending == 4
        blocked.__exit__(None, None, None)
        first.result(timeout=30)
        receipts = [future.result(timeout=30) for future in queued]
        assert depths[-1] == 0 and appender.pending == 0
    finally:
        appender.close()
    assert [r.log_index for r in receipts] == [1, 2, 3]
    # one report as each batch is taken and one as it settles, which never raises the depth
    assert len(depths) % 2 == 0 and depths[-1] == 0 and 1 <= max(depths) <= 4
    assert all(depths[i] > depths[i + 1] for i in range(0, len(depths), 2))
    store.close()
