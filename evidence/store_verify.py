"""Verify a whole store fast: ranges in parallel processes, then the checks that need log order.

The log is cut into aligned ranges of `2**RANGE_LEVEL` entries (see `verify_range`); a process pool
verifies them while this process joins their Merkle subtrees into one tree, checks each checkpoint
root and each signature against the keys trusted at that index (following key rotations in log
order), and finally checks what spans ranges: duplicate envelopes and record ids (in SQL over
columns the ranges proved equal to the signed content), stored nodes above the ranges, the
state row and the checkpoints' reach. With a saved `VerifiedState` the entries it covers are only
hashed and compared (see `verified_state`), so signatures are checked only for new entries; the
result says in words exactly what was checked, for the report to print.
"""

from __future__ import annotations

import bisect
import itertools
import os
from collections import Counter
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, func, select

from .canonical import strict_loads
from .dsse import Envelope
from .errors import MalformedRecordError, TamperError
from .keys import key_id_of
from .merkle import Frontier, fold
from .report_index import BUNDLE
from .statement import ROTATION_PREDICATE, rfc3339_millis
from .store import CHECKPOINT, ENTRY, KEY, LOG_ID, NODE, EvidenceStore
from .verified_state import RingKey, VerifiedState, load_state, save_state
from .verify import KeyRing, VerificationReport
from .verify_range import RANGE_LEVEL, ROWS_DIGEST, RangeResult, RangeTask, candidate_keys, verify_range

# Below this many entries to verify in full, a process pool costs more to start than it saves.
POOL_THRESHOLD = 4096


@dataclass(frozen=True)
class StoreVerification:
    report: VerificationReport
    scope: str
    full: bool
    new_entries: int


def workers() -> int:
    return len(os.sched_getaffinity(0))


def verify_store(
    store: EvidenceStore,
    trusted: Mapping[str, Ed25519PublicKey],
    *,
    state_dir: Path | None = None,
    full: bool = False,
    size: int | None = None,
    range_level: int = RANGE_LEVEL,
    pool_from: int = POOL_THRESHOLD,
) -> StoreVerification:
    """Verify entries `[0, size)` (default: the whole log); raises `TamperError` at the first bad index.

    With `state_dir`, a saved state is used unless `full` (and a new one written on success).
    Ranges hold `2**range_level` entries; a process pool is used from `pool_from` entries to check
    in full.
    """
    return _Verification(store, trusted, state_dir, full, size, range_level, pool_from).run()


class _Verification:
    def __init__(
        self,
        store: EvidenceStore,
        trusted: Mapping[str, Ed25519PublicKey],
        state_dir: Path | None,
        full: bool,
        size: int | None,
        range_level: int,
        pool_from: int,
    ):
        self.store = store
        self.level, self.pool_from = range_level, pool_from
        self.trusted = dict(trusted)
        self.state_dir = state_dir
        self.requested_size = size
        self.cached = None if full or state_dir is None else load_state(state_dir, store.origin)
        self.reason = "--full-verify" if full else "no earlier verification on this machine"
        if self.cached is not None and not self.cached.trusted <= set(self.trusted):
            self.cached, self.reason = None, "the trusted keys changed since the last verification"
        if self.cached is not None and (self.cached.range_level, self.cached.digest_format) != (
            range_level,
            ROWS_DIGEST,
        ):
            self.cached, self.reason = None, "the saved state was written with other ranges or digests"
        self.errors: list[tuple[int, str]] = []

    def run(self) -> StoreVerification:
        store = self.store
        with store.snapshot() as connection:
            state = store.state(connection)
            self.log_size = int(state.tree_size)
            size = self.log_size if self.requested_size is None else self.requested_size
            if size > self.log_size:
                raise TamperError(self.log_size, f"the log's state row covers fewer than {size} entries")
            cached = self.cached
            if cached is not None and cached.size > size:
                raise TamperError(
                    size,
                    f"the log holds {size} entries but {cached.size} were verified on "
                    f"{cached.verified_at} (rolled back or truncated)",
                )
            self.size, self.old = size, cached.size if cached else 0
            self.ring = self._ring()
            keys = candidate_keys(self._candidates(connection).items())
            self.bundles = self._bundles(connection)
            self.upper_nodes = {
                (row.level, row.idx): bytes(row.hash)
                for row in connection.execute(
                    select(NODE).where(NODE.c.log_id == LOG_ID, NODE.c.level > self.level)
                )
            }
            duplicate = self._duplicates(connection)
            if duplicate is not None:
                self.errors.append(duplicate)
            frontier = self._join(self._results(keys))
            self._spanning(connection, state, frontier)
        report = self._report(frontier)
        if self.state_dir is not None:
            save_state(self.state_dir, self._state(report, frontier))
        return StoreVerification(report, self._scope(report), cached is None, size - self.old)

    def _ring(self) -> KeyRing:
        ring = KeyRing(dict(self.trusted))
        if self.cached is not None:
            for key_id, key in self.cached.ring.items():
                ring.keys[key_id] = Ed25519PublicKey.from_public_bytes(key.public)
                if key.valid_from:
                    ring.valid_from[key_id] = key.valid_from
                if key.valid_until is not None:
                    ring.valid_until[key_id] = key.valid_until
        return ring

    def _candidates(self, connection: Connection) -> dict[str, Ed25519PublicKey]:
        """Keys a signature may be checked against; which one counts at an index is decided later.

        The trusted keys and the ring, the public keys the store lists, and the incoming keys its
        rotation records announce (those before the saved state are in its ring already): none is
        trusted for being here.
        """
        keys = dict(self.ring.keys)
        pems = [row.public_pem for row in connection.execute(select(KEY.c.public_pem))]
        for row in connection.execute(
            select(ENTRY.c.envelope).where(
                ENTRY.c.log_id == LOG_ID,
                ENTRY.c.idx >= self.old,
                ENTRY.c.predicate_type == ROTATION_PREDICATE,
            )
        ):
            try:
                statement = strict_loads(Envelope.from_bytes(bytes(row.envelope)).payload)
                pems.append(str(statement["predicate"]["newPublicKey"]))
            except (MalformedRecordError, KeyError, TypeError):
                continue
        for pem in pems:
            try:
                key = serialization.load_pem_public_key(pem.encode())
            except ValueError:
                continue
            if isinstance(key, Ed25519PublicKey):
                keys.setdefault(key_id_of(key), key)
        return keys

    def _bundles(self, connection: Connection) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        for digest, policy_id in connection.execute(select(BUNDLE.c.bundle_digest, BUNDLE.c.policy_id)):
            found.setdefault(digest, set()).add(policy_id)
        bundles = {digest: frozenset(ids) for digest, ids in found.items()}
        if self.cached is not None:
            for digest, ids in self.cached.bundles.items():
                if bundles.get(digest) != ids:
                    raise TamperError(
                        0, f"report index policy list of bundle {digest} changed since it was verified"
                    )
        return bundles

    def _duplicates(self, connection: Connection) -> tuple[int, str] | None:
        """The second entry of the earliest repeated envelope or record id, from proven columns.

        Entries covered by a saved state were checked then, so only the values of newer entries
        are looked up (through the columns' indexes).
        """
        found = []
        for column, what in (
            (ENTRY.c.envelope_sha256, "envelope is a duplicate of an earlier entry"),
            (ENTRY.c.record_id, "record id repeats an earlier record"),
        ):
            repeated = select(column).where(ENTRY.c.log_id == LOG_ID)
            if self.old:
                repeated = repeated.where(ENTRY.c.idx >= self.old)
            else:
                repeated = repeated.group_by(column).having(func.count() > 1)
            indices: dict[Any, list[int]] = {}
            for value, index in connection.execute(
                select(column, ENTRY.c.idx).where(ENTRY.c.log_id == LOG_ID, column.in_(repeated))
            ):
                indices.setdefault(value, []).append(index)
            found += [(sorted(at)[1], f"{what} ({value})") for value, at in indices.items() if len(at) > 1]
        return min(found, key=lambda error: error[0]) if found else None

    def _tasks(self, keys: Mapping[str, bytes]) -> list[RangeTask]:
        tasks = []
        for number, start in enumerate(range(0, self.size, 1 << self.level)):
            end = min(start + (1 << self.level), self.size)
            verify_from = min(max(start, self.old), end)
            expected = self.cached.digests[number] if self.cached is not None and start < self.old else None
            tasks.append(
                RangeTask(
                    self.store.database.url,
                    self.store.origin,
                    start,
                    end,
                    self.log_size,
                    verify_from,
                    expected,
                    keys,
                    self.bundles,
                )
            )
        return tasks

    def _results(self, keys: Mapping[str, bytes]) -> Iterator[RangeResult]:
        tasks = self._tasks(keys)
        if self.size - self.old < self.pool_from or len(tasks) < 2 or workers() < 2:
            yield from map(verify_range, tasks)
            return
        with ProcessPoolExecutor(min(workers(), len(tasks)), mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(verify_range, task) for task in tasks]
            try:
                for future in futures:
                    yield future.result()
            finally:
                for future in futures:
                    future.cancel()

    def _join(self, results: Iterator[RangeResult]) -> Frontier:
        frontier = Frontier()
        self.decisions: Counter[str] = Counter()
        self.signing_keys: Counter[str] = Counter()
        self.checkpoints = 0
        self.latest_checkpoint = 0
        self.digests: list[str] = []
        self.changes: list[int] = []
        for result in results:
            self._range(result, frontier)
            if result.error is not None:
                self.errors.append(result.error)
            pending = min(self.errors, key=lambda error: error[0], default=None)
            if pending is not None and pending[0] < result.end:
                raise TamperError(*pending)
        return frontier

    def _range(self, result: RangeResult, frontier: Frontier) -> None:
        if result.error is None and result.start < self.old <= result.end and self.cached is not None:
            prefix = [*frontier.hashes, *(h for _, h in result.prefix_subtrees)]
            if (fold(prefix) if prefix else b"") != self.cached.root and self.old:
                self.errors.append(
                    (
                        self.old - 1,
                        f"the first {self.old} entries no longer produce the Merkle root verified on "
                        f"{self.cached.verified_at}",
                    )
                )
        events: list[tuple[int, int, Any]] = [(start, 0, (end, keys)) for start, end, keys in result.signers]
        events += [(index, 1, rotation) for index, *rotation in result.rotations]
        events += [(size - 1, 2, checkpoint) for size, *checkpoint in result.checkpoints]
        before = list(frontier.hashes)
        try:
            for index, kind, payload in sorted(events, key=lambda event: (event[0], event[1])):
                if result.error is not None and index >= result.error[0]:
                    break
                if kind == 0:
                    self._signed(index, *payload)
                elif kind == 1:
                    self._rotate(index, *payload)
                else:
                    self._checkpoint(index + 1, before, *payload)
        except TamperError as error:
            self.errors.append((error.index, error.reason))
            return
        if result.error is None:
            for level, hashed in result.subtrees:
                for node_level, node, value in frontier.append(hashed, level):
                    if self.upper_nodes.pop((node_level, node), None) != value:
                        last = ((node + 1) << node_level) - 1
                        self.errors.append(
                            (last, f"stored Merkle node ({node_level}, {node}) is missing or wrong")
                        )
            self.decisions.update(result.decisions)
            self.digests.append(result.digest)

    def _signed(self, start: int, end: int, signed_by: frozenset[str]) -> None:
        """Signatures of entries `[start, end)` by `signed_by`: one must be trusted at each index."""
        cuts = [start, *(c for c in self.changes if start < c < end), end]
        for first, stop in itertools.pairwise(cuts):
            valid = signed_by & set(self.ring.valid_at(first))
            if not valid:
                raise TamperError(
                    first, "envelope signature does not verify with any key trusted at this index"
                )
            for key_id in valid:
                self.signing_keys[key_id] += stop - first

    def _rotate(self, index: int, old_key_id: str, new_key_id: str, public: bytes) -> None:
        if old_key_id not in self.ring.valid_at(index):
            raise TamperError(index, "key rotation is not signed by the outgoing key")
        self.signing_keys[new_key_id] += 1
        self.ring.keys[new_key_id] = Ed25519PublicKey.from_public_bytes(public)
        self.ring.valid_from[new_key_id] = index
        self.ring.valid_until[old_key_id] = index + 1
        bisect.insort(self.changes, index)
        bisect.insort(self.changes, index + 1)

    def _checkpoint(
        self, size: int, before: list[bytes], local: bytes, root: bytes, signed_by: frozenset[str]
    ) -> None:
        if not signed_by & set(self.ring.valid_at(size - 1)):
            raise TamperError(
                size - 1,
                f"checkpoint at size {size}: note is not signed by any trusted key for {self.store.origin!r}",
            )
        if fold([*before, local]) != root:
            raise TamperError(size - 1, f"checkpoint at size {size} has a root the entries do not produce")
        self.checkpoints += 1
        self.latest_checkpoint = size

    def _spanning(self, connection: Connection, state: Any, frontier: Frontier) -> None:
        """Checks across ranges, each naming the index it fails at; the earliest is raised."""
        size, log_size = self.size, self.log_size
        errors = self.errors
        if size and self.latest_checkpoint != size and not (self.cached and self.cached.size == size):
            errors.append((size - 1, f"no signed checkpoint covers the log's {size} entries"))
        claimed = connection.execute(
            select(func.max(CHECKPOINT.c.tree_size)).where(CHECKPOINT.c.log_id == LOG_ID)
        ).scalar()
        if claimed is not None and claimed > log_size:
            errors.append(
                (
                    log_size,
                    f"a checkpoint covers {claimed} entries but only {log_size} are present (truncated)",
                )
            )
        last = connection.execute(select(func.max(ENTRY.c.idx)).where(ENTRY.c.log_id == LOG_ID)).scalar()
        if last is not None and last >= log_size:
            errors.append((log_size, f"entries beyond the log's {log_size} recorded entries are present"))
        for level, count in connection.execute(
            select(NODE.c.level, func.count()).where(NODE.c.log_id == LOG_ID).group_by(NODE.c.level)
        ):
            if count > log_size >> level:
                extra = connection.execute(
                    select(func.min(NODE.c.idx)).where(
                        NODE.c.log_id == LOG_ID, NODE.c.level == level, NODE.c.idx >= log_size >> level
                    )
                ).scalar()
                index = 0 if extra is None else int(extra)
                errors.append(
                    (index << level, f"stored Merkle node ({level}, {index}) has no entries under it")
                )
        if size == log_size and (log_size, bytes(state.root_hash), bytes(state.frontier)) != (
            size,
            frontier.root(),
            frontier.pack(),
        ):
            errors.append((size, "the log's state row disagrees with its entries"))
        if errors:
            raise TamperError(*min(errors, key=lambda error: error[0]))

    def _report(self, frontier: Frontier) -> VerificationReport:
        report = VerificationReport(self.store.origin, self.size, frontier.root())
        report.checkpoints = self.checkpoints + (self.cached.checkpoints if self.cached else 0)
        report.decisions = self.decisions + (self.cached.decisions if self.cached else Counter())
        report.signing_keys = self.signing_keys + (self.cached.signing_keys if self.cached else Counter())
        return report

    def _state(self, report: VerificationReport, frontier: Frontier) -> VerifiedState:
        now = rfc3339_millis(datetime.now(UTC))
        ring = {
            key_id: RingKey(
                key.public_bytes_raw(), self.ring.valid_from.get(key_id, 0), self.ring.valid_until.get(key_id)
            )
            for key_id, key in self.ring.keys.items()
        }
        return VerifiedState(
            origin=self.store.origin,
            size=self.size,
            root=report.root,
            frontier=frontier.pack(),
            range_level=self.level,
            digest_format=ROWS_DIGEST,
            digests=tuple(self.digests),
            trusted=frozenset(self.trusted),
            ring=ring,
            bundles=self.bundles,
            checkpoints=report.checkpoints,
            decisions=report.decisions,
            signing_keys=report.signing_keys,
            verified_at=now,
            full_verified_at=self.cached.full_verified_at if self.cached else now,
        )

    def _scope(self, report: VerificationReport) -> str:
        cached = self.cached
        if cached is None:
            return (
                f"{report.size:,} records fully verified ({self.reason}): every signature, Merkle node "
                f"and signed checkpoint ({report.checkpoints:,}), and every report index row against "
                "its signed statement."
            )
        new = report.size - cached.size
        checked = (
            f"signatures, checkpoints and report index rows checked for the {new:,} new since checkpoint "
            f"{cached.size:,}"
            if new
            else f"no entry is new since checkpoint {cached.size:,}"
        )
        return (
            f"{report.size:,} records: Merkle root recomputed over all and every stored row compared "
            f"with the state verified on {cached.verified_at}; {checked} (the log was last verified "
            f"in full on {cached.full_verified_at})."
        )
