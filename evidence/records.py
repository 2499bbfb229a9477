"""Turning a decision or a key rotation into a signed record ready to append (no I/O).

Record ids are UUIDv7-shaped (time-ordered, random tail) so they sort by creation and never
collide across writers; they are the idempotency key the store deduplicates on.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from ..engine.models import Decision
from .canonical import canonical_bytes
from .dsse import IN_TOTO_PAYLOAD_TYPE, sign_envelope
from .keys import Signer, public_pem
from .statement import DECISION_PREDICATE, ROTATION_PREDICATE, decision_document, rotation_statement
from .tables import EntryCreate


class RandomTails:
    """80-bit random values cut from `os.urandom` read 400 at a time.

    One `getrandom` call per record released the GIL on every record, and on the webhook's
    evaluation thread each release let another thread take the interpreter until its next switch.
    The buffer is dropped in a forked child so two processes never hand out the same bytes.
    """

    SIZE = 10
    BATCH = 400

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._buffer = b""
        self._offset = 0

    def take(self) -> int:
        with self._lock:
            if self._offset >= len(self._buffer):
                self._buffer = os.urandom(self.SIZE * self.BATCH)
                self._offset = 0
            tail = self._buffer[self._offset : self._offset + self.SIZE]
            self._offset += self.SIZE
        return int.from_bytes(tail, "big")


_TAILS = RandomTails()


def new_record_id() -> str:
    """A UUIDv7: 48-bit Unix milliseconds, version 7, variant 10, 74 random bits."""
    value = (time.time_ns() // 1_000_000) << 80 | _TAILS.take()
    value = (value & ~(0xF << 76)) | (0x7 << 76)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@cache
def gavel_version() -> str:
    """The installed version, read once: package metadata lookups cost more than signing a record."""
    try:
        return version("gavel")
    except PackageNotFoundError:
        return "unknown"


def decision_record(
    decision: Decision,
    *,
    signer: Signer,
    origin: str,
    subject_digests: Mapping[str, str],
    context: Mapping[str, Any],
    environment: Mapping[str, str] | None = None,
) -> EntryCreate:
    """Build the Statement, sign its exact bytes, and keep the columns `evidence log` filters on."""
    record_id = new_record_id()
    statement = decision_document(
        decision,
        record_id=record_id,
        origin=origin,
        subject_digests=subject_digests,
        context=context,
        environment=os.environ if environment is None else environment,
        gavel_version=gavel_version(),
    )
    envelope = sign_envelope(IN_TOTO_PAYLOAD_TYPE, canonical_bytes(statement), [signer])
    return EntryCreate(
        envelope=envelope.to_bytes(),
        record_id=record_id,
        key_id=signer.key_id,
        predicate_type=DECISION_PREDICATE,
        decision="allow" if decision.passed else "deny",
        policy_digest=decision.bundle_digest,
        statement=statement,
    )


def rotation_record(old: Signer, new: Signer, *, origin: str, now: datetime) -> EntryCreate:
    """The hand-over record; its envelope carries signatures by both the outgoing and incoming key."""
    record_id = new_record_id()
    payload = rotation_statement(
        record_id=record_id,
        origin=origin,
        old_key_id=old.key_id,
        new_key_id=new.key_id,
        new_public_pem=public_pem(new.public_key).decode("ascii"),
        rotated_at=now,
    )
    envelope = sign_envelope(IN_TOTO_PAYLOAD_TYPE, payload, [old, new])
    return EntryCreate(
        envelope=envelope.to_bytes(),
        record_id=record_id,
        key_id=old.key_id,
        predicate_type=ROTATION_PREDICATE,
    )
