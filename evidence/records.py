"""Turning a decision or a key rotation into a signed record ready to append (no I/O).

Record ids are UUIDv7-shaped (time-ordered, random tail) so they sort by creation and never
collide across writers; they are the idempotency key the store deduplicates on.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from ..engine.models import Decision
from .dsse import IN_TOTO_PAYLOAD_TYPE, sign_envelope
from .keys import Signer, public_pem
from .statement import DECISION_PREDICATE, ROTATION_PREDICATE, decision_statement, rotation_statement
from .tables import EntryCreate


def new_record_id() -> str:
    """A UUIDv7: 48-bit Unix milliseconds, version 7, variant 10, 74 random bits."""
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
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
    payload = decision_statement(
        decision,
        record_id=record_id,
        origin=origin,
        subject_digests=subject_digests,
        context=context,
        environment=os.environ if environment is None else environment,
        gavel_version=gavel_version(),
    )
    envelope = sign_envelope(IN_TOTO_PAYLOAD_TYPE, payload, [signer])
    return EntryCreate(
        envelope=envelope.to_bytes(),
        record_id=record_id,
        key_id=signer.key_id,
        predicate_type=DECISION_PREDICATE,
        decision="allow" if decision.passed else "deny",
        policy_digest=decision.bundle_digest,
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
