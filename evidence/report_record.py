"""Audit reports as evidence: the digest of every rendered file in a signed record, and the lookup back.

An auditor handed `audit-report.html` asks "is this the report the store produced?". Recording
each report as an in-toto Statement whose subjects are the rendered files (name and SHA-256)
answers it: `find_report` locates records naming a digest through the report index, then reads
the digest back from the signed statement itself, so the index only ever points and never
vouches. The predicate states what the report covered: period, frameworks and the checkpoint
it was built from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..engine.models import EvidenceReceipt
from .canonical import canonical_bytes, strict_loads
from .dsse import IN_TOTO_PAYLOAD_TYPE, Envelope, sign_envelope
from .keys import Signer
from .records import gavel_version, new_record_id
from .report_index import ENTRY, ENTRY_INDEX, SUBJECT, record_kind
from .statement import REPORT_PREDICATE, STATEMENT_TYPE, rfc3339_millis
from .store import LOG_ID, EvidenceStore
from .tables import EntryCreate


@dataclass(frozen=True)
class ReportScope:
    """What a report covered, as signed into its record."""

    since: datetime | None
    until: datetime | None
    frameworks: Sequence[str]
    checkpoint_size: int
    checkpoint_root: str
    verified: bool
    generated_at: datetime


@dataclass(frozen=True)
class RecordedReport:
    """A report record naming the digest looked for."""

    log_index: int
    integrated_time: str
    record_digest: str
    file_name: str
    predicate: Mapping[str, Any]


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def report_statement(files: Mapping[str, bytes], scope: ReportScope, *, record_id: str, origin: str) -> bytes:
    """The canonical bytes of an audit-report Statement: one subject per rendered file."""
    return canonical_bytes(
        {
            "_type": STATEMENT_TYPE,
            "subject": [
                {"name": name, "digest": {"sha256": file_digest(content)}}
                for name, content in sorted(files.items())
            ],
            "predicateType": REPORT_PREDICATE,
            "predicate": {
                "recordId": record_id,
                "evidenceLog": origin,
                "timeEvaluated": rfc3339_millis(scope.generated_at),
                "period": {
                    "since": rfc3339_millis(scope.since) if scope.since else None,
                    "until": rfc3339_millis(scope.until) if scope.until else None,
                },
                "frameworks": list(scope.frameworks),
                "checkpoint": {"size": scope.checkpoint_size, "root": scope.checkpoint_root},
                "storeVerified": scope.verified,
                "generator": {"gavel": gavel_version()},
            },
        }
    )


def record_report(
    store: EvidenceStore, files: Mapping[str, bytes], scope: ReportScope, signer: Signer
) -> EvidenceReceipt:
    """Sign the report's file digests and append them; returns once the record is durable."""
    record_id = new_record_id()
    payload = report_statement(files, scope, record_id=record_id, origin=store.origin)
    envelope = sign_envelope(IN_TOTO_PAYLOAD_TYPE, payload, [signer])
    record = EntryCreate(
        envelope=envelope.to_bytes(),
        record_id=record_id,
        key_id=signer.key_id,
        predicate_type=REPORT_PREDICATE,
    )
    return store.append([record], signer)[0]


def find_report(store: EvidenceStore, digest: str, upto: int) -> list[RecordedReport]:
    """Report records among the first `upto` entries whose signed subjects include `digest` (hex)."""
    query = (
        select(ENTRY.c.idx, ENTRY.c.integrated_time, ENTRY.c.envelope, ENTRY.c.envelope_sha256)
        .join(SUBJECT, (SUBJECT.c.log_id == ENTRY.c.log_id) & (SUBJECT.c.idx == ENTRY.c.idx))
        .join(ENTRY_INDEX, (ENTRY_INDEX.c.log_id == ENTRY.c.log_id) & (ENTRY_INDEX.c.idx == ENTRY.c.idx))
        .where(
            ENTRY.c.log_id == LOG_ID,
            ENTRY.c.idx < upto,
            SUBJECT.c.digest == digest,
            ENTRY_INDEX.c.record_kind == record_kind(REPORT_PREDICATE),
        )
        .order_by(ENTRY.c.idx)
    )
    found = []
    with store.snapshot() as connection:
        for row in connection.execute(query):
            statement = strict_loads(Envelope.from_bytes(bytes(row.envelope)).payload)
            if statement.get("predicateType") != REPORT_PREDICATE:
                continue
            for subject in statement.get("subject", ()):
                if subject.get("digest", {}).get("sha256") == digest:
                    found.append(
                        RecordedReport(
                            row.idx,
                            row.integrated_time,
                            f"sha256:{row.envelope_sha256}",
                            str(subject.get("name", "")),
                            statement.get("predicate", {}),
                        )
                    )
    return found
