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
