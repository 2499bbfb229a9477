"""The evidence store: append signed records to the Merkle log durably and read them back.

Every append is one transaction that locks the log's state row, gives each record the next
index, writes entries, completed Merkle nodes and a signed checkpoint for the new size, and moves
the state row on. A receipt is returned only after that transaction committed, so nothing
acknowledged can be lost and nothing unrecorded is ever reported as recorded. Retrying an
envelope that is already in the log returns its original index. Verifying what is stored is
`store_verify`'s job.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..engine.errors import GavelError
from ..engine.models import Decision, EvidenceReceipt
from .checkpoint import Checkpoint
from .database import Database, connect, driver_cursor
from .errors import RecordingError, StoreUnavailableError, TamperError
from .keys import Signer, public_pem
from .merkle import EMPTY_ROOT, Frontier, leaf_hash
from .records import decision_record, rotation_record
from .report_index import IndexSource, index_rows, new_bundle_rows, write_index
from .statement import rfc3339_millis
from .tables import (
    CheckpointRow,
    EntryCreate,
    EvidenceEntry,
    EvidenceLog,
    MerkleNode,
    SigningKey,
    insert_sql,
    placeholder,
    table_of,
)
from .verify import leaf_bytes

LOG_ID = 1
ENTRY = table_of(EvidenceEntry)
NODE = table_of(MerkleNode)
CHECKPOINT = table_of(CheckpointRow)
LOG = table_of(EvidenceLog)
KEY = table_of(SigningKey)

ENTRY_COLUMNS = (
    "log_id",
    "idx",
    "integrated_time",
    "leaf_hash",
    "envelope_sha256",
    "envelope",
    "record_id",
    "key_id",
    "predicate_type",
    "decision",
    "policy_digest",
)


class AppendSql:
    """The append path's statements as driver SQL for one dialect, with plain tuple parameters.

    The webhook appends hundreds of small batches a second, and SQLAlchemy's per-statement work
    (compiling an expanding IN, processing parameters, building result proxies) cost more CPU per
    transaction than SQLite's or PostgreSQL's own work; the rows written are the same.
    """

    def __init__(self, paramstyle: str, lock_rows: bool):
        self.marker = placeholder(paramstyle)
        self.lock_state = (
            "SELECT tree_size, frontier, active_key_id FROM evidence_log WHERE log_id = "
            + self.marker
            + (" FOR UPDATE" if lock_rows else "")
        )
        self.insert_entries = insert_sql("evidence_entry", ENTRY_COLUMNS, self.marker)
        self.insert_nodes = insert_sql("merkle_node", ("log_id", "level", "idx", "hash"), self.marker)
        self.insert_checkpoint = insert_sql(
            "checkpoint", ("log_id", "tree_size", "root_hash", "note", "signed_at"), self.marker
        )
        m = self.marker
        self.move_state = (
            f"UPDATE evidence_log SET tree_size = {m}, root_hash = {m}, frontier = {m}, active_key_id = {m} "
            f"WHERE log_id = {m}"
        )

    def known_envelopes(self, count: int) -> str:
        markers = ", ".join([self.marker] * count)
        return (
            f"SELECT envelope_sha256, idx FROM evidence_entry WHERE log_id = {self.marker} "
            f"AND envelope_sha256 IN ({markers})"
        )


@dataclass
class _Batch:
    """The rows one append transaction writes, as plain tuples in `ENTRY_COLUMNS` order."""

    integrated_time: str
    entries: list[tuple[Any, ...]] = field(default_factory=list)
    indexed: list[IndexSource] = field(default_factory=list)
    nodes: list[tuple[int, int, int, bytes]] = field(default_factory=list)

    def place(
        self, origin: str, frontier: Frontier, record: EntryCreate, digest: str, known: dict[str, int]
    ) -> EvidenceReceipt:
        """Give `record` the next index, unless its envelope is already in the log (a retry)."""
        if digest not in known:
            index = known[digest] = frontier.size
            leaf = leaf_hash(leaf_bytes(origin, index, self.integrated_time, digest))
            self.entries.append(
                (
                    LOG_ID,
                    index,
                    self.integrated_time,
                    leaf,
                    digest,
                    record.envelope,
                    record.record_id,
                    record.key_id,
                    record.predicate_type,
                    record.decision,
                    record.policy_digest,
                )
            )
            self.indexed.append(
                IndexSource(LOG_ID, index, self.integrated_time, record.envelope, record.statement)
            )
            self.nodes.extend((LOG_ID, level, position, h) for level, position, h in frontier.append(leaf))
        return EvidenceReceipt(known[digest], record_digest(digest))


def _now() -> str:
    return rfc3339_millis(datetime.now(UTC))


def record_digest(envelope_sha256: str) -> str:
    return f"sha256:{envelope_sha256}"


class EvidenceStore:
    """One log in one database; safe to use from several processes at once."""

    def __init__(self, database: Database, origin: str):
        self.database = database
        self.origin = origin
        dialect = database.writer.dialect
        self.sql = AppendSql(dialect.paramstyle, lock_rows=dialect.name != "sqlite")
        self._indexed_bundles: set[str] = set()

    @classmethod
    def open(cls, url: str, *, origin: str | None = None) -> EvidenceStore:
        """Open (creating on first use) the store at `url`; `origin` names a new log, else one is made up."""
        database = connect(url)
        try:
            return cls(database, cls._ensure_log(database, origin))
        except IntegrityError:
            return cls(database, cls._ensure_log(database, origin))
        except SQLAlchemyError as error:
            database.dispose()
            raise StoreUnavailableError(f"cannot open evidence store: {error}") from error

    @staticmethod
    def _ensure_log(database: Database, origin: str | None) -> str:
        """The log's origin, creating the log row on first use (a concurrent creator may win the race)."""
        with database.writer.begin() as connection:
            existing = connection.execute(select(LOG.c.origin).where(LOG.c.log_id == LOG_ID)).scalar()
            if existing is not None:
                return str(existing)
            created = origin or f"gavel.dev/evidence/{secrets.token_hex(8)}"
            connection.execute(
                insert(LOG).values(
                    log_id=LOG_ID,
                    origin=created,
                    tree_size=0,
                    root_hash=EMPTY_ROOT,
                    frontier=b"",
                    created_at=_now(),
                )
            )
            return created

    def close(self) -> None:
        self.database.dispose()

    def __enter__(self) -> EvidenceStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def record_decision(
        self,
        decision: Decision,
        *,
        signer: Signer,
        subject_digests: Mapping[str, str],
        context: Mapping[str, Any],
        environment: Mapping[str, str] | None = None,
    ) -> EvidenceReceipt:
        """Sign and durably append one decision (the one-shot path `gavel check` uses)."""
        try:
            record = decision_record(
                decision,
                signer=signer,
                origin=self.origin,
                subject_digests=subject_digests,
                context=context,
                environment=environment,
            )
        except ValueError as error:
            raise RecordingError(f"decision cannot be recorded: {error}") from error
        return self.append([record], signer)[0]

    def rotate(self, old: Signer, new: Signer) -> EvidenceReceipt:
        """Record the hand-over from `old` to `new` (signed by both); later appends must use `new`."""
        record = rotation_record(old, new, origin=self.origin, now=datetime.now(UTC))
        return self.append([record], old, rotate_to=new)[0]

    def append(
        self, records: Sequence[EntryCreate], signer: Signer, *, rotate_to: Signer | None = None
    ) -> list[EvidenceReceipt]:
        """Append records in one transaction and return their receipts once it has committed."""
        try:
            with self.database.exclusive(), self.database.writer.begin() as connection:
                return self._append(connection, records, signer, rotate_to)
        except GavelError:
            raise
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
            raise RecordingError(f"evidence was not recorded: {reason}") from error

    def _append(
        self, connection: Connection, records: Sequence[EntryCreate], signer: Signer, rotate_to: Signer | None
    ) -> list[EvidenceReceipt]:
        sql = self.sql
        with driver_cursor(connection) as cursor:
            cursor.execute(sql.lock_state, (LOG_ID,))
            tree_size, packed_frontier, active_key_id = cursor.fetchone()
            if active_key_id is None:
                self._register_key(connection, signer, tree_size)
            elif active_key_id != signer.key_id:
                raise RecordingError(
                    f"signing key {signer.key_id[:16]} is not this log's active key {active_key_id[:16]}",
                    hint="use the active key, or hand over with `gavel keys rotate`",
                )
            digests = [hashlib.sha256(record.envelope).hexdigest() for record in records]
            cursor.execute(sql.known_envelopes(len(digests)), (LOG_ID, *digests))
            known: dict[str, int] = dict(cursor.fetchall())
            frontier = Frontier.unpack(tree_size, bytes(packed_frontier))
            batch = _Batch(_now())
            receipts = [
                batch.place(self.origin, frontier, record, digest, known)
                for record, digest in zip(records, digests, strict=True)
            ]
            if batch.entries:
                self._write(connection, cursor, batch, frontier, signer, rotate_to)
        return receipts

    def _write(
        self,
        connection: Connection,
        cursor: Any,
        batch: _Batch,
        frontier: Frontier,
        signer: Signer,
        rotate_to: Signer | None,
    ) -> None:
        """Entries, index rows, Merkle nodes, the signed checkpoint and the new state, reads first."""
        sql = self.sql
        rows = index_rows(batch.indexed)
        bundles = new_bundle_rows(cursor, sql.marker, rows, self._indexed_bundles)
        if rotate_to is not None:
            self._hand_over(connection, signer, rotate_to, batch.indexed[-1].idx)
        root = frontier.root()
        active = rotate_to or signer
        note = Checkpoint(self.origin, frontier.size, root).sign([active])
        with self.database.pipelined(cursor):
            cursor.executemany(sql.insert_entries, batch.entries)
            write_index(cursor, sql.marker, rows, bundles)
            if batch.nodes:
                cursor.executemany(sql.insert_nodes, batch.nodes)
            cursor.execute(sql.insert_checkpoint, (LOG_ID, frontier.size, root, note, batch.integrated_time))
            cursor.execute(sql.move_state, (frontier.size, root, frontier.pack(), active.key_id, LOG_ID))

    def _register_key(self, connection: Connection, signer: Signer, valid_from: int) -> None:
        exists = connection.execute(select(KEY.c.key_id).where(KEY.c.key_id == signer.key_id)).scalar()
        if exists is None:
            connection.execute(
                insert(KEY).values(
                    key_id=signer.key_id,
                    public_pem=public_pem(signer.public_key).decode("ascii"),
                    valid_from_index=valid_from,
                    created_at=_now(),
                )
            )

    def _hand_over(self, connection: Connection, old: Signer, new: Signer, index: int) -> None:
        connection.execute(update(KEY).where(KEY.c.key_id == old.key_id).values(valid_until_index=index + 1))
        self._register_key(connection, new, index)

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """One consistent read view: entries, nodes and checkpoints as of a single moment."""
        connection = self.database.reader.connect()
        try:
            if not self.database.is_sqlite:
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection
        except SQLAlchemyError as error:
            raise StoreUnavailableError(f"cannot read evidence store: {error}") from error
        finally:
            connection.close()

    @staticmethod
    def state(connection: Connection) -> Row[Any]:
        return connection.execute(select(LOG).where(LOG.c.log_id == LOG_ID)).one()

    @staticmethod
    def entry_rows(connection: Connection, start: int = 0, end: int | None = None) -> Iterator[Row[Any]]:
        query = select(ENTRY).where(ENTRY.c.log_id == LOG_ID, ENTRY.c.idx >= start).order_by(ENTRY.c.idx)
        if end is not None:
            query = query.where(ENTRY.c.idx < end)
        yield from connection.execution_options(yield_per=2000).execute(query)

    @staticmethod
    def checkpoint_notes(connection: Connection, after: int) -> list[tuple[int, str]]:
        query = select(CHECKPOINT.c.tree_size, CHECKPOINT.c.note).where(
            CHECKPOINT.c.log_id == LOG_ID, CHECKPOINT.c.tree_size > after
        )
        return [
            (row.tree_size, row.note) for row in connection.execute(query.order_by(CHECKPOINT.c.tree_size))
        ]

    @staticmethod
    def node(connection: Connection, level: int, index: int) -> bytes:
        if level == 0:
            query = select(ENTRY.c.leaf_hash).where(ENTRY.c.log_id == LOG_ID, ENTRY.c.idx == index)
        else:
            query = select(NODE.c.hash).where(
                NODE.c.log_id == LOG_ID, NODE.c.level == level, NODE.c.idx == index
            )
        found = connection.execute(query).scalar()
        if found is None:
            raise TamperError(index << level, f"Merkle node ({level}, {index}) is missing from the store")
        return bytes(found)
