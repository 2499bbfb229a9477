"""One consistent read of the store for an audit report: aggregates, the records cited, the checkpoint.

Everything is read in one snapshot and bounded by the log size the report cites, so entries
appended while the report is built (including the report's own record) never change it. The
few records a report quotes in full (admission denials, manual attestations) are read back from
their signed statements; everything else comes from the grouped queries in `queries`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from ..engine.posture import (
    AdmissionDenial,
    AttestationRecord,
    AuditSummary,
    Checkpoint,
    EvidenceLink,
    StoreIntegrity,
    Totals,
)
from .canonical import strict_loads
from .dsse import Envelope
from .queries import (
    Posture,
    Scope,
    failing_policies,
    failing_resources,
    open_results,
    parse_time,
    time_range,
    totals_by_source,
    waivers,
)
from .report_index import DECISION_KIND, ENTRY, ENTRY_INDEX, record_kind
from .statement import REPORT_PREDICATE, ROTATION_PREDICATE, rfc3339_millis
from .store import LOG_ID, EvidenceStore
from .tables import CheckpointRow, table_of

BOOKKEEPING = (DECISION_KIND, record_kind(ROTATION_PREDICATE), record_kind(REPORT_PREDICATE))
DETAIL_ORDER = (
    "framework",
    "requirement",
    "requirementTitle",
    "attestedBy",
    "statement",
    "expires",
    "evidenceRef",
)
HIDDEN_DETAILS = {"recordId", "evidenceLog", "timeAttested", "timeEvaluated"}
MAX_ATTESTATIONS = 200
CHECKPOINT = table_of(CheckpointRow)


@dataclass(frozen=True)
class Limits:
    top: int = 10
    denials: int = 20
    open_results: int = 500


def _statement(envelope: bytes) -> dict[str, Any]:
    document = strict_loads(Envelope.from_bytes(envelope).payload)
    return document if isinstance(document, dict) else {}


def _envelopes(connection: Connection, clauses: Sequence[Any], limit: int) -> list[Any]:
    return list(
        connection.execute(
            select(ENTRY_INDEX.c.idx, ENTRY_INDEX.c.evaluated_at, ENTRY.c.envelope, ENTRY.c.envelope_sha256)
            .join(ENTRY, (ENTRY.c.log_id == ENTRY_INDEX.c.log_id) & (ENTRY.c.idx == ENTRY_INDEX.c.idx))
            .where(*clauses)
            .order_by(ENTRY_INDEX.c.idx.desc())
            .limit(limit)
        )
    )


def denials(connection: Connection, scope: Scope, limit: int) -> tuple[AdmissionDenial, ...]:
    """The most recent requests the admission webhook refused, newest first."""
    clauses = [*scope.decisions(), ENTRY_INDEX.c.source == "admission", ENTRY_INDEX.c.decision == "deny"]
    in_scope = set(scope.policy_ids())
    found = []
    for row in _envelopes(connection, clauses, limit * 10 if scope.filtered else limit):
        predicate = _statement(bytes(row.envelope)).get("predicate", {})
        context = predicate.get("context", {})
        request = context.get("admission", {})
        policies = tuple(
            sorted(
                {
                    str(result["policy"])
                    for resource in predicate.get("resources", ())
                    for result in resource.get("results", ())
                    if result.get("outcome") in ("violation", "error") and not result.get("waiver")
                }
            )
        )
        if scope.filtered and not in_scope.intersection(policies):
            continue
        found.append(
            AdmissionDenial(
                parse_time(row.evaluated_at),
                str(request.get("operation", "")),
                ", ".join(str(resource.get("id")) for resource in predicate.get("resources", ())),
                str(request.get("user") or ""),
                str(context.get("message") or "; ".join(predicate.get("reasons", ()))),
                policies,
                EvidenceLink(row.idx, f"sha256:{row.envelope_sha256}"),
            )
        )
        if len(found) == limit:
            break
    return tuple(found)


def _details(predicate: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    keys = [k for k in DETAIL_ORDER if k in predicate]
    keys += sorted(k for k in predicate if k not in DETAIL_ORDER and k not in HIDDEN_DETAILS)
    return tuple(
        (key, str(predicate[key]))
        for key in keys
        if predicate[key] is not None and not isinstance(predicate[key], dict | list)
    )


def attestations(connection: Connection, scope: Scope) -> tuple[AttestationRecord, ...]:
    """Manual attestations (any record neither a decision nor bookkeeping) in force during the period."""
    clauses = [
        ENTRY_INDEX.c.log_id == LOG_ID,
        ENTRY_INDEX.c.idx < scope.upto,
        ENTRY_INDEX.c.record_kind.not_in(BOOKKEEPING),
    ]
    if scope.until is not None:
        clauses.append(ENTRY_INDEX.c.evaluated_at < rfc3339_millis(scope.until))
    found = []
    for row in _envelopes(connection, clauses, MAX_ATTESTATIONS):
        statement = _statement(bytes(row.envelope))
        predicate = statement.get("predicate", {})
        expires = str(predicate.get("expires", ""))
        if scope.since is not None and expires and expires < scope.since.date().isoformat():
            continue
        if scope.filtered and predicate.get("framework") not in (None, *scope.frameworks):
            continue
        found.append(
            AttestationRecord(
                record_kind(str(statement.get("predicateType", ""))),
                parse_time(row.evaluated_at),
                tuple(str(s.get("name", "")) for s in statement.get("subject", ())),
                _details(predicate),
                EvidenceLink(row.idx, f"sha256:{row.envelope_sha256}"),
            )
        )
    return tuple(reversed(found))


def checkpoint_at(store: EvidenceStore, size: int) -> Checkpoint | None:
    """The signed checkpoint for exactly `size` entries (every append signs one for its new size)."""
    with store.snapshot() as connection:
        row = connection.execute(
            select(CHECKPOINT).where(CHECKPOINT.c.log_id == LOG_ID, CHECKPOINT.c.tree_size == size)
        ).first()
    if row is None:
        return None
    return Checkpoint(row.tree_size, bytes(row.root_hash).hex(), row.signed_at, row.note)


def summarise(
    store: EvidenceStore,
    scope: Scope,
    *,
    integrity: StoreIntegrity,
    generated_at: datetime,
    tool_version: str,
    policy_set_digest: str,
    limits: Limits = Limits(),
) -> AuditSummary:
    """The whole report's content, read in one snapshot of the store."""
    with store.snapshot() as connection:
        posture = Posture(connection, scope)
        bucket = posture.bucket()
        by_source = totals_by_source(connection, scope)
        first, last = time_range(connection, scope)
        results, truncated = open_results(connection, scope, limits.open_results)
        sources: dict[str, int] = {}
        for (source, _), count in sorted(by_source.items()):
            sources[source] = sources.get(source, 0) + count
        return AuditSummary(
            generated_at=generated_at,
            tool_version=tool_version,
            since=scope.since,
            until=scope.until,
            bucket=bucket,
            policy_set_digest=policy_set_digest,
            frameworks=tuple(posture.framework(name, bucket) for name in scope.frameworks),
            overall=posture.overall_rate(),
            totals=Totals(
                decisions=sum(by_source.values()),
                allowed=sum(n for (_, verdict), n in by_source.items() if verdict == "allow"),
                denied=sum(n for (_, verdict), n in by_source.items() if verdict == "deny"),
                resources=posture.resources,
                by_source=tuple(sources.items()),
                first=first,
                last=last,
            ),
            failing_policies=failing_policies(connection, scope, limits.top),
            failing_resources=failing_resources(connection, scope, limits.top),
            open_results=results,
            open_results_truncated=truncated,
            waivers=waivers(connection, scope, generated_at.date()),
            attestations=attestations(connection, scope),
            denials=denials(connection, scope, limits.denials),
            unmapped_policies=posture.unmapped,
            integrity=integrity,
        )
