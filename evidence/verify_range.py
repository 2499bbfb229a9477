"""Verify one range of a stored log: the unit of work that verification spreads over processes.

A range is read with plain SQL in batches and proven on its own: entries are contiguous, each
leaf hash and envelope digest column commits to the envelope bytes, every Merkle node completed
inside the range equals the stored one, and the range's perfect subtrees and the local part of
each checkpoint's root are handed back so the caller can join ranges into one tree. Entries at or
after `verify_from` are checked in full: the envelope's signature against candidate keys (before
the payload is parsed), the statement, the query columns and the report index rows derived again
from the signed statement. Entries before it were fully verified by an earlier run: their rows
are only hashed, and the digest must equal the one saved then. Which candidate key is trusted at
which index is decided by the caller, who alone sees the key rotations in log order.
"""

from __future__ import annotations

import base64
import hashlib
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from .checkpoint import note_key_id, verify_checkpoint
from .errors import MalformedRecordError, TamperError
from .merkle import fold, leaf_hash, node_hash
from .report_index import COLUMNS, KEY_WIDTH, IndexRows
from .statement import DECISION_PREDICATE
from .verify import leaf_bytes, read_record

LOG_ID = 1
RANGE_LEVEL = 15
READ_BATCH = 2048
# Names what `rows_digest` hashes; a saved state with another one is not compared but redone in full.
ROWS_DIGEST = "gavel-rows-digest/v1:entry columns,checkpoints,index rows,subtrees"
ENTRY_COLUMNS = (
    "idx, integrated_time, envelope, leaf_hash, envelope_sha256, record_id, key_id, predicate_type, "
    "decision, policy_digest"
)


@dataclass(frozen=True)
class RangeTask:
    """Entries `[start, end)` of the log at `url`; `keys` are candidates (raw Ed25519), not trust."""

    url: str
    origin: str
    start: int
    end: int
    size: int
    verify_from: int
    expected_digest: str | None
    keys: Mapping[str, bytes]
    bundles: Mapping[str, frozenset[str]]


@dataclass
class RangeResult:
    """What the caller needs to finish: subtrees, checkpoints and signers to check in log order."""

    start: int
    end: int
    verify_from: int
    subtrees: list[tuple[int, bytes]] = field(default_factory=list)
    prefix_subtrees: list[tuple[int, bytes]] = field(default_factory=list)
    checkpoints: list[tuple[int, bytes, bytes, frozenset[str]]] = field(default_factory=list)
    signers: list[tuple[int, int, frozenset[str]]] = field(default_factory=list)
    rotations: list[tuple[int, str, str, bytes]] = field(default_factory=list)
    decisions: Counter[str] = field(default_factory=Counter)
    digest: str = ""
    error: tuple[int, str] | None = None


def open_reader(url: str) -> Any:
    """A DB-API connection of its own (each worker process opens one; nothing is shared)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        uri = f"{Path(str(parsed.database)).resolve().as_uri()}?mode=ro"
        return sqlite3.connect(uri, uri=True, check_same_thread=False)
    engine = create_engine(parsed.set(drivername="postgresql+psycopg"), poolclass=NullPool)
    return engine.raw_connection()


def verify_range(task: RangeTask) -> RangeResult:
    connection = open_reader(task.url)
    try:
        return _Range(task, connection).run()
    finally:
        connection.close()


def rows_digest(
    columns: Sequence[tuple[Any, ...]],
    checkpoints: Sequence[tuple[Any, ...]],
    index_rows: Mapping[str, Sequence[tuple[Any, ...]]],
    subtrees: Sequence[tuple[int, bytes]],
) -> str:
    """SHA-256 over every stored row of a range and its Merkle subtrees, in a fixed order."""
    digest = hashlib.sha256()
    for part in (columns, checkpoints, *(index_rows[name] for name in COLUMNS), subtrees):
        digest.update(repr(list(part)).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


class _Range:
    def __init__(self, task: RangeTask, connection: Any):
        self.task = task
        self.connection = connection
        self.marker = "?" if isinstance(connection, sqlite3.Connection) else "%s"
        self.keys = {key_id: Ed25519PublicKey.from_public_bytes(raw) for key_id, raw in task.keys.items()}
        self.result = RangeResult(task.start, task.end, task.verify_from)
        self.leaves: list[bytes] = []
        self.columns: list[tuple[Any, ...]] = []
        self.derived = IndexRows()
        self.errors: list[tuple[int, str]] = []
        self.matched: dict[str, list[str]] = {}  # policy lists already found equal to the stored index

    def _query(self, sql: str, parameters: Sequence[Any]) -> list[tuple[Any, ...]]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql.replace("?", self.marker), tuple(parameters))
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def run(self) -> RangeResult:
        task = self.task
        self.checkpoint_rows = self._query(
            "SELECT tree_size, root_hash, note, signed_at FROM checkpoint "
            "WHERE log_id = ? AND tree_size > ? AND tree_size <= ? ORDER BY tree_size",
            (LOG_ID, task.start, task.end),
        )
        self.checkpoint_sizes = {row[0]: row for row in self.checkpoint_rows}
        try:
            self._entries()
        except TamperError as error:
            self.errors.append((error.index, error.reason))
        levels = _levels(self.leaves)
        self._compare_nodes(levels)
        self._checkpoints(levels)
        stop = min((index for index, _ in self.errors), default=task.end)
        stored = self._stored_index_rows()
        self._compare_index(stored, stop)
        if self.errors:
            self.result.error = min(self.errors, key=lambda error: error[0])
            return self.result
        old = self.task.verify_from
        self.result.subtrees = _frontier(levels, len(self.leaves))
        self.result.prefix_subtrees = _frontier(levels, old - task.start)
        self.result.digest = rows_digest(self.columns, self.checkpoint_rows, stored, self.result.subtrees)
        if task.expected_digest is not None:
            prefix = self.result.digest
            if old < task.end:
                prefix = rows_digest(
                    [c for c in self.columns if c[0] < old],
                    [c for c in self.checkpoint_rows if c[0] <= old],
                    {name: [row for row in rows if row[1] < old] for name, rows in stored.items()},
                    self.result.prefix_subtrees,
                )
            if prefix != task.expected_digest:
                self.result.error = (
                    task.start,
                    f"entries {task.start}..{old - 1} no longer match the state verified earlier: a stored "
                    "entry column, report index row, checkpoint or Merkle hash in that range was changed",
                )
        return self.result

    def _compare_nodes(self, levels: list[list[bytes]]) -> None:
        """Each level of the range's tree against the stored nodes, compared as whole lists."""
        for level, computed in enumerate(levels[1:], start=1):
            first = self.task.start >> level
            stored = self._query(
                "SELECT idx, hash FROM merkle_node WHERE log_id = ? AND level = ? AND idx >= ? AND idx < ? "
                "ORDER BY idx",
                (LOG_ID, level, first, first + len(computed)),
            )
            if [bytes(row[1]) for row in stored] == computed:
                continue
            found = {row[0]: bytes(row[1]) for row in stored}
            node = next(first + at for at, value in enumerate(computed) if found.get(first + at) != value)
            self.errors.append(
                (((node + 1) << level) - 1, f"stored Merkle node ({level}, {node}) is missing or wrong")
            )

    def _entries(self) -> None:
        task = self.task
        for first in range(task.start, task.end, READ_BATCH):
            rows = self._query(
                f"SELECT {ENTRY_COLUMNS} FROM evidence_entry WHERE log_id = ? AND idx >= ? AND idx < ? "
                "ORDER BY idx",
                (LOG_ID, first, min(first + READ_BATCH, task.end)),
            )
            for row in rows:
                self._entry(row)
        expected = task.start + len(self.leaves)
        if expected < task.end:
            raise TamperError(
                expected,
                f"expected entry {expected}, found none: the log's state covers {task.size} entries "
                "(truncated)",
            )

    def _entry(self, row: tuple[Any, ...]) -> None:
        task = self.task
        index, integrated_time, envelope, stored_leaf, stored_digest = row[:5]
        expected = task.start + len(self.leaves)
        if index != expected:
            raise TamperError(
                expected, f"expected entry {expected}, found entry {index} (missing or reordered)"
            )
        envelope = bytes(envelope)
        digest = hashlib.sha256(envelope).hexdigest()
        leaf = leaf_hash(leaf_bytes(task.origin, index, integrated_time, digest))
        if bytes(stored_leaf) != leaf:
            raise TamperError(
                index, "stored leaf hash does not commit to this entry's envelope, time or position"
            )
        if stored_digest != digest:
            raise TamperError(index, "stored envelope digest column differs from the envelope's SHA-256")
        if index >= task.verify_from:
            self._record(index, integrated_time, envelope, row)
        self.leaves.append(leaf)
        self.columns.append((index, integrated_time, *row[5:]))

    def _record(self, index: int, integrated_time: str, envelope: bytes, row: tuple[Any, ...]) -> None:
        record_id_column, key_id_column, type_column, decision_column, policy_column = row[5:]
        record = read_record(index, envelope, self.keys, self.task.origin)
        if record_id_column != record.record_id:
            raise TamperError(
                index, f"stored record id column {record_id_column!r} differs from the signed one"
            )
        if type_column != record.predicate_type:
            raise TamperError(
                index, f"stored predicate type column {type_column!r} differs from the signed one"
            )
        if key_id_column not in record.signed_by:
            raise TamperError(index, "stored key id column names a key that did not sign the record")
        if record.predicate_type == DECISION_PREDICATE:
            if decision_column != record.decision:
                raise TamperError(
                    index,
                    f"stored decision column {decision_column!r} differs from signed {record.decision!r}",
                )
            self._policy(index, str(policy_column or ""), record.statement["predicate"])
            self.result.decisions[str(record.decision)] += 1
        if record.rotation is not None:
            raw = record.rotation.new_key.public_bytes_raw()
            self.result.rotations.append((index, record.rotation.old_key_id, record.rotation.new_key_id, raw))
        signers = self.result.signers
        if signers and signers[-1][1] == index and signers[-1][2] == record.signed_by:
            signers[-1] = (signers[-1][0], index + 1, record.signed_by)
        else:
            signers.append((index, index + 1, record.signed_by))
        try:
            self.derived.add_statement(LOG_ID, index, integrated_time, record.statement)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise TamperError(index, f"statement cannot be indexed for reports: {error!r}") from error

    def _policy(self, index: int, column: str, predicate: Mapping[str, Any]) -> None:
        policy = predicate.get("policy") or {}
        signed = str((policy.get("digest") or {}).get("sha256", ""))
        if column.removeprefix("sha256:").lower() != signed:
            raise TamperError(index, f"stored policy digest column {column!r} differs from the signed one")
        ids = policy.get("ids")
        if not ids or self.matched.get(signed) == ids:
            return
        if self.task.bundles.get(f"sha256:{signed}") == frozenset(ids):
            self.matched[signed] = ids
        else:
            raise TamperError(
                index, f"report index policy list of bundle sha256:{signed} differs from the signed statement"
            )

    def _checkpoints(self, levels: list[list[bytes]]) -> None:
        """Checkpoints signed after `verify_from`, up to the entries that passed, with their local root."""
        reached = self.task.start + len(self.leaves)
        for size in sorted(self.checkpoint_sizes):
            if self.task.verify_from < size <= reached:
                try:
                    self._checkpoint(size, levels)
                except TamperError as error:
                    self.errors.append((error.index, error.reason))
                    return

    def _checkpoint(self, size: int, levels: list[list[bytes]]) -> None:
        stored_size, _root, note, _signed_at = self.checkpoint_sizes[size]
        try:
            checkpoint = verify_checkpoint(note, self.task.origin, self.keys)
        except MalformedRecordError as error:
            raise TamperError(size - 1, f"checkpoint at size {size}: {error.message}") from error
        if checkpoint.size != stored_size:
            raise TamperError(
                size - 1, f"checkpoint row of size {size} holds a note for size {checkpoint.size}"
            )
        self.result.checkpoints.append(
            (
                size,
                fold([hashed for _, hashed in _frontier(levels, size - self.task.start)]),
                checkpoint.root,
                _note_signers(note, self.task.origin, self.keys),
            )
        )

    def _stored_index_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        return {
            name: _by_key(
                self._query(
                    f"SELECT {', '.join(columns)} FROM {name} WHERE log_id = ? AND idx >= ? AND idx < ?",
                    (LOG_ID, self.task.start, self.task.end),
                ),
                KEY_WIDTH[name],
            )
            for name, columns in COLUMNS.items()
        }

    def _compare_index(self, stored: Mapping[str, list[tuple[Any, ...]]], stop: int) -> None:
        """The first entry whose stored index rows differ from the rows its signed statement gives."""
        first = self.task.verify_from
        if first >= stop:
            return
        for name, rows in stored.items():
            want: defaultdict[int, list[tuple[Any, ...]]] = defaultdict(list)
            have: defaultdict[int, list[tuple[Any, ...]]] = defaultdict(list)
            for row in _by_key(self.derived.tables[name], KEY_WIDTH[name]):
                want[row[1]].append(row)
            for row in rows:
                if first <= row[1] < stop:
                    have[row[1]].append(row)
            bad = [index for index in set(want) | set(have) if want.get(index) != have.get(index)]
            if bad:
                index = min(bad)
                self.errors.append(
                    (index, f"report index rows in {name} differ from what the signed statement gives")
                )


def _levels(leaves: list[bytes]) -> list[list[bytes]]:
    """The range's tree bottom up: level `l` holds the hashes of its complete subtrees of `2**l` leaves."""
    levels = [leaves]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([node_hash(left, right) for left, right in zip(below[0::2], below[1::2], strict=False)])
    return levels


def _frontier(levels: list[list[bytes]], size: int) -> list[tuple[int, bytes]]:
    """The perfect subtrees of the range's first `size` leaves, largest first, as (level, hash)."""
    return [
        (level, levels[level][(size >> level) - 1])
        for level in range(size.bit_length() - 1, -1, -1)
        if size >> level & 1
    ]


def _by_key(rows: Iterable[tuple[Any, ...]], width: int) -> list[tuple[Any, ...]]:
    """Rows in primary-key order, sorted here so SQLite and PostgreSQL collations agree."""
    return sorted(rows, key=itemgetter(*range(width)))


def _note_signers(note: str, origin: str, keys: Mapping[str, Ed25519PublicKey]) -> frozenset[str]:
    """Candidate keys with a signature line in a note that `verify_checkpoint` accepted (so all verified)."""
    ids = {base64.b64decode(line.split(" ")[-1])[:4] for line in note.rpartition("\n\n")[2].splitlines()}
    return frozenset(key_id for key_id, key in keys.items() if note_key_id(origin, key) in ids)


def candidate_keys(keys: Iterable[tuple[str, Ed25519PublicKey]]) -> dict[str, bytes]:
    return {key_id: key.public_bytes_raw() for key_id, key in keys}
