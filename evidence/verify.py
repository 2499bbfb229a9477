"""Verification shared by the store verifier (`store_verify`) and the offline bundle verifier.

`read_record` is what one envelope proves on its own: a key among those given signed it (checked
before the payload is parsed), the statement parses strictly and belongs to this log. `LogVerifier`
is the bundle verifier's in-order walk; for each entry it proves the index is the next one, the
envelope is not a copy of an earlier one, a key trusted at that index signed it and its record id
is new, and it folds the leaf committing to the exact envelope bytes into the tree. Every
checkpoint is checked when the walk reaches its size: signed by a key trusted at that point, root
equal to the root of the entries walked so far. All checkpoints are thus proven prefixes of one
tree, which is what consistency means. Trust comes only from the caller's keys and the rotation
records that chain from them, never from the data being verified. Failures raise `TamperError`
naming the index.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .canonical import strict_loads
from .checkpoint import Checkpoint, verify_checkpoint
from .dsse import IN_TOTO_PAYLOAD_TYPE, Envelope, verified_key_ids
from .errors import MalformedRecordError, TamperError
from .keys import key_id_of
from .merkle import Frontier, leaf_hash
from .statement import (
    ATTESTATION_PREDICATE,
    DECISION_PREDICATE,
    REPORT_PREDICATE,
    ROTATION_PREDICATE,
    STATEMENT_TYPE,
)

LEAF_FORMAT = "gavel-evidence-entry/v1"


def leaf_bytes(origin: str, index: int, integrated_time: str, envelope_sha256: str) -> bytes:
    """The RFC 6962 entry `D[index]`: binds origin, position, time and the exact envelope bytes."""
    return f"{LEAF_FORMAT}\n{origin}\n{index}\n{integrated_time}\n{envelope_sha256}\n".encode()


@dataclass(frozen=True)
class EntryView:
    """One log entry as read back from a bundle."""

    index: int
    integrated_time: str
    envelope: bytes


@dataclass
class KeyRing:
    """Trusted record keys with their validity by log index, half-open: `[valid_from, valid_until)`."""

    keys: dict[str, Ed25519PublicKey]
    valid_from: dict[str, int] = field(default_factory=dict)
    valid_until: dict[str, int] = field(default_factory=dict)

    def valid_at(self, index: int) -> dict[str, Ed25519PublicKey]:
        return {
            key_id: key
            for key_id, key in self.keys.items()
            if self.valid_from.get(key_id, 0) <= index < self.valid_until.get(key_id, index + 1)
        }


@dataclass
class VerificationReport:
    origin: str
    size: int = 0
    root: bytes = b""
    checkpoints: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    signing_keys: Counter[str] = field(default_factory=Counter)

    def to_document(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "size": self.size,
            "root": self.root.hex(),
            "checkpoints": self.checkpoints,
            "decisions": dict(sorted(self.decisions.items())),
            "signing_keys": dict(sorted(self.signing_keys.items())),
        }


@dataclass(frozen=True)
class Rotation:
    """A key hand-over whose incoming key is proven: it parses, matches its id and signed the record."""

    old_key_id: str
    new_key_id: str
    new_key: Ed25519PublicKey


@dataclass(frozen=True)
class SignedRecord:
    """What one envelope proves on its own, before any check that needs the entries around it."""

    signed_by: frozenset[str]
    statement: dict[str, Any]
    predicate_type: str
    record_id: str
    decision: str | None
    rotation: Rotation | None


def read_record(
    index: int, envelope_bytes: bytes, keys: Mapping[str, Ed25519PublicKey], origin: str
) -> SignedRecord:
    """Verify one envelope against `keys` (before parsing its payload) and check its statement.

    The checks that need no other entry live here so that worker processes can run them over a
    range of the log while the caller keeps the sequential ones (order, duplicates, key validity
    by index). Raises `TamperError` naming `index`.
    """
    try:
        envelope = Envelope.from_bytes(envelope_bytes)
        if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE:
            raise TamperError(index, f"unsupported payload type {envelope.payload_type!r}")
        signed_by = frozenset(verified_key_ids(envelope, keys))
        if not signed_by:
            raise TamperError(index, "envelope signature does not verify with any key trusted at this index")
        statement = strict_loads(envelope.payload)
    except MalformedRecordError as error:
        raise TamperError(index, error.message) from error
    predicate = statement.get("predicate") if isinstance(statement, dict) else None
    if (
        not isinstance(statement, dict)
        or statement.get("_type") != STATEMENT_TYPE
        or not isinstance(predicate, dict)
    ):
        raise TamperError(index, "payload is not an in-toto Statement v1 with a predicate")
    if predicate.get("evidenceLog") != origin:
        raise TamperError(index, f"record belongs to log {predicate.get('evidenceLog')!r}, not {origin!r}")
    record_id = predicate.get("recordId")
    if not isinstance(record_id, str):
        raise TamperError(index, f"record id {record_id!r} is missing or repeats an earlier record")
    predicate_type = statement.get("predicateType")
    rotation = None
    if predicate_type == ROTATION_PREDICATE:
        rotation = _rotation(index, envelope, predicate)
    elif predicate_type not in (DECISION_PREDICATE, ATTESTATION_PREDICATE, REPORT_PREDICATE):
        raise TamperError(index, f"unknown predicate type {predicate_type!r}")
    decision = predicate.get("decision") if predicate_type == DECISION_PREDICATE else None
    return SignedRecord(
        signed_by,
        statement,
        str(predicate_type),
        record_id,
        None if decision is None else str(decision),
        rotation,
    )


def _rotation(index: int, envelope: Envelope, predicate: Mapping[str, Any]) -> Rotation:
    old_key_id, new_key_id = predicate.get("oldKeyId"), predicate.get("newKeyId")
    try:
        new_key = serialization.load_pem_public_key(str(predicate.get("newPublicKey")).encode())
    except ValueError as error:
        raise TamperError(index, "key rotation carries an unreadable public key") from error
    if not isinstance(new_key, Ed25519PublicKey) or key_id_of(new_key) != new_key_id:
        raise TamperError(index, "key rotation's public key does not match its key id")
    if not verified_key_ids(envelope, {new_key_id: new_key}):
        raise TamperError(index, "key rotation is not signed by the incoming key")
    return Rotation(str(old_key_id), new_key_id, new_key)


class LogVerifier:
    """Feed entries in order with `add`, then `finish`; checkpoints are checked as their size is reached."""

    def __init__(
        self,
        origin: str,
        trusted: Mapping[str, Ed25519PublicKey],
        checkpoints: Iterable[str] = (),
        frontier: Frontier | None = None,
    ):
        self.origin = origin
        self.ring = KeyRing(dict(trusted))
        self.frontier = frontier or Frontier()
        self.report = VerificationReport(origin)
        self.seen_envelopes: set[bytes] = set()
        self.seen_records: set[str] = set()
        self.pending: dict[int, list[str]] = {}
        self.last_leaf = b""
        for note in checkpoints:
            self.pending.setdefault(self._claimed_size(note), []).append(note)

    def _claimed_size(self, note: str) -> int:
        try:
            return Checkpoint.parse(note.split("\n\n", 1)[0] + "\n").size
        except MalformedRecordError as error:
            raise TamperError(self.frontier.size, f"checkpoint cannot be parsed: {error.message}") from error

    def add(self, entry: EntryView) -> None:
        """Verify the next entry and fold its leaf into the tree."""
        index = self.frontier.size
        if entry.index != index:
            raise TamperError(
                index, f"expected entry {index}, found entry {entry.index} (missing or reordered)"
            )
        try:
            self._check_record(index, entry)
        except MalformedRecordError as error:
            raise TamperError(index, error.message) from error
        digest = hashlib.sha256(entry.envelope).digest()
        self.seen_envelopes.add(digest)
        self.last_leaf = leaf_hash(leaf_bytes(self.origin, index, entry.integrated_time, digest.hex()))
        self.frontier.append(self.last_leaf)
        for note in self.pending.pop(self.frontier.size, []):
            self._check_checkpoint(note)

    def _check_record(self, index: int, entry: EntryView) -> None:
        if hashlib.sha256(entry.envelope).digest() in self.seen_envelopes:
            raise TamperError(index, "envelope is a duplicate of an earlier entry")
        record = read_record(index, entry.envelope, self.ring.valid_at(index), self.origin)
        if record.record_id in self.seen_records:
            raise TamperError(
                index, f"record id {record.record_id!r} is missing or repeats an earlier record"
            )
        self.seen_records.add(record.record_id)
        if record.predicate_type == DECISION_PREDICATE:
            self.report.decisions[str(record.decision)] += 1
        if record.rotation is not None:
            self._rotate(index, record.rotation, record.signed_by)
        for key_id in record.signed_by:
            self.report.signing_keys[key_id] += 1

    def _rotate(self, index: int, rotation: Rotation, signed_by: frozenset[str]) -> None:
        if rotation.old_key_id not in signed_by:
            raise TamperError(index, "key rotation is not signed by the outgoing key")
        self.report.signing_keys[rotation.new_key_id] += 1
        self.ring.keys[rotation.new_key_id] = rotation.new_key
        self.ring.valid_from[rotation.new_key_id] = index
        self.ring.valid_until[rotation.old_key_id] = index + 1

    def _check_checkpoint(self, note: str) -> None:
        size = self.frontier.size
        try:
            checkpoint = verify_checkpoint(note, self.origin, self.ring.valid_at(size - 1))
        except MalformedRecordError as error:
            raise TamperError(size - 1, f"checkpoint at size {size}: {error.message}") from error
        if checkpoint.root != self.frontier.root():
            raise TamperError(size - 1, f"checkpoint at size {size} has a root the entries do not produce")
        self.report.checkpoints += 1

    def finish(self, require_checkpoint_at_end: bool = True) -> VerificationReport:
        """Checkpoints beyond the last entry mean entries were removed; so does a missing final one."""
        size = self.frontier.size
        if self.pending:
            claimed = max(self.pending)
            raise TamperError(
                size, f"a checkpoint covers {claimed} entries but only {size} are present (truncated)"
            )
        if require_checkpoint_at_end and size and not self.report.checkpoints:
            raise TamperError(size - 1, "no signed checkpoint covers the log")
        self.report.size = size
        self.report.root = self.frontier.root()
        return self.report
