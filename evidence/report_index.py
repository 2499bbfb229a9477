"""Query rows for audit reports, derived from each signed statement as it is appended.

Reports aggregate a period of decisions in SQL, but the per-resource results, the frameworks'
inputs and the waivers live inside signed envelopes. This index copies what the aggregations
need into small append-only tables, in the same transaction as the entry (so it never lags the
log), from the exact statement bytes that were signed (so it can always be rebuilt from them):
one `index_entry` row per log entry, the resource kinds a decision judged, one row per
(resource, policy) with a non-passing result, the waivers applied or found expired, the policy
ids of each bundle, and the subjects of non-decision records (a report's file digest). The
decision's evaluation time is repeated on every row so each aggregation reads one table, not a
join per row. Entries appended before the index existed are filled in by `backfill`.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import BigInteger, Boolean, Connection, Index, func, select
from sqlmodel import Field, SQLModel

from .dsse import Envelope
from .errors import MalformedRecordError
from .statement import DECISION_PREDICATE
from .tables import EvidenceEntry, EvidenceLog, insert_sql, placeholder, table_of

if TYPE_CHECKING:
    from .database import Database

# Worst first: the outcome a (resource, policy) pair is indexed with when it has several results.
OUTCOME_ORDER = ("error", "violation", "warning")
BACKFILL_CHUNK = 5000
PAYLOAD_PREFIX = b'{"payload":"'


class IndexedEntry(SQLModel, table=True):
    """Every log entry: its record kind and, for decisions, time, verdict, source and bundle."""

    __tablename__ = "index_entry"
    __table_args__ = (Index("index_entry_time", "log_id", "record_kind", "evaluated_at"),)

    log_id: int = Field(primary_key=True)
    idx: int = Field(primary_key=True, sa_type=BigInteger)
    record_kind: str
    evaluated_at: str
    decision: str | None = None
    source: str | None = None
    bundle_digest: str | None = None


class IndexedKind(SQLModel, table=True):
    """How many resources of one kind a decision judged: the denominator of its checks."""

    __tablename__ = "index_kind"
    __table_args__ = (Index("index_kind_time", "log_id", "evaluated_at"),)

    log_id: int = Field(primary_key=True)
    idx: int = Field(primary_key=True, sa_type=BigInteger)
    kind: str = Field(primary_key=True)
    resources: int
    evaluated_at: str
    bundle_digest: str


class IndexedResult(SQLModel, table=True):
    """A (resource, policy) pair of a decision with a violation, warning or error, worst outcome kept."""

    __tablename__ = "index_result"
    __table_args__ = (Index("index_result_time", "log_id", "evaluated_at"),)

    log_id: int = Field(primary_key=True)
    idx: int = Field(primary_key=True, sa_type=BigInteger)
    resource_id: str = Field(primary_key=True)
    policy_id: str = Field(primary_key=True)
    kind: str
    outcome: str
    severity: str
    blocking: bool = Field(sa_type=Boolean)
    waiver_id: str | None = None
    evaluated_at: str


class IndexedWaiver(SQLModel, table=True):
    """A waiver a decision applied (`applied`) or reported as no longer applying (`expired`)."""

    __tablename__ = "index_waiver"

    log_id: int = Field(primary_key=True)
    idx: int = Field(primary_key=True, sa_type=BigInteger)
    waiver_key: str = Field(primary_key=True)
    state: str = Field(primary_key=True)
    policy_id: str
    owner: str
    reason: str
    expires: str
    evaluated_at: str


class BundlePolicy(SQLModel, table=True):
    """The policy ids a policy bundle held, once per bundle digest."""

    __tablename__ = "index_bundle_policy"

    bundle_digest: str = Field(primary_key=True)
    policy_id: str = Field(primary_key=True)


class IndexedSubject(SQLModel, table=True):
    """A subject of a non-decision record, e.g. the digest of a recorded audit report file."""

    __tablename__ = "index_subject"
    __table_args__ = (Index("index_subject_digest", "digest"),)

    log_id: int = Field(primary_key=True)
    idx: int = Field(primary_key=True, sa_type=BigInteger)
    name: str = Field(primary_key=True)
    digest: str


INDEX_MODELS: tuple[type[SQLModel], ...] = (
    IndexedEntry,
    IndexedKind,
    IndexedResult,
    IndexedWaiver,
    BundlePolicy,
    IndexedSubject,
)
INDEX_TABLES = tuple(str(model.__tablename__) for model in INDEX_MODELS)
ENTRY_INDEX, KIND, RESULT, WAIVER, BUNDLE, SUBJECT = (table_of(model) for model in INDEX_MODELS)
ENTRY = table_of(EvidenceEntry)
COLUMNS = {
    str(model.__tablename__): tuple(table_of(model).columns.keys())
    for model in INDEX_MODELS
    if model is not BundlePolicy
}
LOG = table_of(EvidenceLog)
# How many leading columns of each per-entry index table form its primary key (log_id, idx, ...).
KEY_WIDTH = {
    name: len(table_of(model).primary_key.columns)
    for model in INDEX_MODELS
    if (name := str(model.__tablename__)) in COLUMNS
}


def create_index_tables(connection: Connection) -> None:
    for model in INDEX_MODELS:
        table_of(model).create(connection, checkfirst=True)


def record_kind(predicate_type: str) -> str:
    """`https://gavel.dev/attestations/<kind>/v1` -> `<kind>`; other predicate types stay whole."""
    prefix = "https://gavel.dev/attestations/"
    if predicate_type.startswith(prefix) and predicate_type.count("/") == 5:
        return predicate_type[len(prefix) :].split("/", 1)[0]
    return predicate_type


DECISION_KIND = record_kind(DECISION_PREDICATE)


def _source(context: Mapping[str, Any]) -> str:
    command = context.get("command")
    if isinstance(command, str):
        return command
    return "admission" if "admission" in context else "other"


def _worst(outcomes: Iterable[str]) -> str:
    return min(outcomes, key=lambda o: OUTCOME_ORDER.index(o) if o in OUTCOME_ORDER else len(OUTCOME_ORDER))


def _payload(envelope: bytes) -> bytes:
    """The signed statement bytes; canonical envelopes start with the payload, so no JSON parse is needed."""
    if envelope.startswith(PAYLOAD_PREFIX):
        return base64.b64decode(envelope[len(PAYLOAD_PREFIX) : envelope.index(b'"', len(PAYLOAD_PREFIX))])
    return Envelope.from_bytes(envelope).payload


class IndexSource(NamedTuple):
    """An entry to index: its position and signed envelope and, when the appender still holds it,
    the statement document those signed bytes were serialised from (saves decoding them again)."""

    log_id: int
    idx: int
    integrated_time: str
    envelope: bytes
    statement: Mapping[str, Any] | None = None


class IndexRows:
    """The rows of one batch of entries, table by table, as tuples in the order the models declare fields.

    Verification derives them again from each verified statement and compares them with the stored
    rows, so an index row edited after the append is caught.
    """

    def __init__(self) -> None:
        self.tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in COLUMNS}
        self.bundles: dict[str, list[str]] = {}

    def add(self, log_id: int, index: int, integrated_time: str, envelope: bytes) -> None:
        self.add_statement(log_id, index, integrated_time, json.loads(_payload(envelope)))

    def add_statement(
        self, log_id: int, index: int, integrated_time: str, statement: Mapping[str, Any]
    ) -> None:
        predicate = statement.get("predicate") or {}
        kind = record_kind(str(statement.get("predicateType", "")))
        evaluated_at = str(predicate.get("timeEvaluated") or predicate.get("timeAttested") or integrated_time)
        if kind != DECISION_KIND:
            self.tables["index_entry"].append((log_id, index, kind, evaluated_at, None, None, None))
            self.tables["index_subject"].extend(
                (log_id, index, str(s.get("name", "")), str(s.get("digest", {}).get("sha256", "")))
                for s in statement.get("subject", ())
            )
            return
        policy = predicate["policy"]
        digest = "sha256:" + str(policy["digest"]["sha256"])
        source = _source(predicate.get("context") or {})
        self.tables["index_entry"].append(
            (log_id, index, kind, evaluated_at, predicate.get("decision"), source, digest)
        )
        if policy.get("ids"):
            self.bundles.setdefault(digest, list(policy["ids"]))
        resources = predicate.get("resources", ())
        counts = Counter(str(resource["kind"]) for resource in resources)
        self.tables["index_kind"].extend(
            (log_id, index, k, n, evaluated_at, digest) for k, n in counts.items()
        )
        for resource in resources:
            if resource.get("results"):
                self._results(log_id, index, evaluated_at, resource)
        for state, member in (("applied", "waiversApplied"), ("expired", "waiversExpired")):
            seen = set()
            for waiver in predicate.get(member, ()):
                waiver_key = waiver.get("id") or waiver["policy"]
                if waiver_key not in seen:
                    seen.add(waiver_key)
                    self.tables["index_waiver"].append(
                        (
                            log_id,
                            index,
                            waiver_key,
                            state,
                            waiver["policy"],
                            waiver.get("owner", ""),
                            waiver.get("reason", ""),
                            waiver["expires"],
                            evaluated_at,
                        )
                    )

    def _results(self, log_id: int, index: int, evaluated_at: str, resource: Mapping[str, Any]) -> None:
        by_policy: dict[str, list[Mapping[str, Any]]] = {}
        for result in resource["results"]:
            by_policy.setdefault(str(result["policy"]), []).append(result)
        for policy_id, results in by_policy.items():
            self.tables["index_result"].append(
                (
                    log_id,
                    index,
                    str(resource["id"]),
                    policy_id,
                    str(resource["kind"]),
                    _worst(str(r["outcome"]) for r in results),
                    str(results[0]["severity"]),
                    any(r["outcome"] in ("violation", "error") and not r.get("waiver") for r in results),
                    next((str(r["waiver"]) for r in results if r.get("waiver")), None),
                    evaluated_at,
                )
            )


def index_entries(connection: Connection, entries: Sequence[IndexSource]) -> None:
    """Index entries being appended, from their statement document or else their envelope bytes."""
    from .database import driver_cursor

    rows = index_rows(entries)
    marker = placeholder(connection.dialect.paramstyle)
    with driver_cursor(connection) as cursor:
        write_index(cursor, marker, rows, new_bundle_rows(cursor, marker, rows, set()))


def index_rows(entries: Sequence[IndexSource]) -> IndexRows:
    """The index rows of `entries`; a statement that lacks what the index needs is malformed."""
    rows = IndexRows()
    try:
        for entry in entries:
            if entry.statement is not None:
                rows.add_statement(entry.log_id, entry.idx, entry.integrated_time, entry.statement)
            else:
                rows.add(entry.log_id, entry.idx, entry.integrated_time, bytes(entry.envelope))
    except (ValueError, KeyError, TypeError, AttributeError, MalformedRecordError) as error:
        raise MalformedRecordError(f"statement cannot be indexed for reports: {error!r}") from error
    return rows


def new_bundle_rows(cursor: Any, marker: str, rows: IndexRows, known: set[str]) -> list[tuple[str, str]]:
    """The `index_bundle_policy` rows of bundles not yet in the table (`cursor` is DB-API).

    `known` (kept by a long-lived store) remembers digests already found there, an append-only
    table, so a busy writer stops asking on every batch. A read, so it runs before the writes.
    """
    unknown = [digest for digest in rows.bundles if digest not in known]
    if not unknown:
        return []
    cursor.execute(
        f"SELECT DISTINCT bundle_digest FROM index_bundle_policy "
        f"WHERE bundle_digest IN ({', '.join([marker] * len(unknown))})",
        tuple(unknown),
    )
    known.update(digest for (digest,) in cursor.fetchall())
    return [
        (digest, policy_id)
        for digest in unknown
        if digest not in known
        for policy_id in sorted(set(rows.bundles[digest]))
    ]


def write_index(cursor: Any, marker: str, rows: IndexRows, bundles: Sequence[tuple[str, str]]) -> None:
    """Plain DB-API executemany: per-row SQLAlchemy parameter handling would cost more than the insert."""
    for table, values in rows.tables.items():
        if values:
            cursor.executemany(insert_sql(table, COLUMNS[table], marker), values)
    if bundles:
        cursor.executemany(insert_sql("index_bundle_policy", ("bundle_digest", "policy_id"), marker), bundles)


def unindexed(connection: Connection, log_id: int) -> int:
    """How many entries of the log have no index rows (entries appended before the index existed)."""
    entries = connection.execute(select(func.count()).select_from(ENTRY).where(ENTRY.c.log_id == log_id))
    indexed = connection.execute(
        select(func.count()).select_from(ENTRY_INDEX).where(ENTRY_INDEX.c.log_id == log_id)
    )
    return int(entries.scalar_one()) - int(indexed.scalar_one())


def backfill(database: Database, log_id: int) -> int:
    """Index every entry that lacks index rows, a chunk per transaction; returns how many were indexed.

    The common case, nothing to do, is answered by a read; otherwise each transaction takes the
    log's state row lock first, as an append does, so backfill and appends never index the same
    entry twice.
    """
    with database.reader.connect() as connection:
        if unindexed(connection, log_id) == 0:
            return 0
    done = 0
    start = 0
    while True:
        with database.exclusive(), database.writer.begin() as connection:
            connection.execute(select(LOG.c.log_id).where(LOG.c.log_id == log_id).with_for_update())
            missing = connection.execute(
                select(ENTRY.c.idx, ENTRY.c.integrated_time, ENTRY.c.envelope)
                .outerjoin(
                    ENTRY_INDEX, (ENTRY_INDEX.c.log_id == ENTRY.c.log_id) & (ENTRY_INDEX.c.idx == ENTRY.c.idx)
                )
                .where(ENTRY.c.log_id == log_id, ENTRY.c.idx >= start, ENTRY_INDEX.c.idx.is_(None))
                .order_by(ENTRY.c.idx)
                .limit(BACKFILL_CHUNK)
            ).all()
            if not missing:
                return done
            index_entries(
                connection,
                [IndexSource(log_id, r.idx, r.integrated_time, r.envelope) for r in missing],
            )
        done += len(missing)
        start = missing[-1].idx + 1
