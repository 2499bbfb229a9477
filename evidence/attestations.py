"""Manual attestations: a named person's signed statement that a requirement no machine can check is met.

Each is an in-toto Statement v1 with its own predicate type, signed in a DSSE envelope with the
log's active key and appended to the same Merkle log as decisions, so `gavel evidence verify` and
exported bundles prove attestations exactly as they prove decisions. The subject is the
requirement (its framework, id and title, hashed), so an attestation cannot be moved to another
requirement without breaking its signature. Coverage counts it until it expires.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ..engine.coverage import Attestation
from ..engine.models import EvidenceReceipt
from .canonical import canonical_bytes, strict_loads
from .dsse import IN_TOTO_PAYLOAD_TYPE, Envelope, sign_envelope
from .errors import MalformedRecordError
from .keys import Signer
from .records import new_record_id
from .statement import ATTESTATION_PREDICATE, STATEMENT_TYPE, rfc3339_millis
from .store import ENTRY, LOG_ID, EvidenceStore
from .tables import EntryCreate


def requirement_digest(framework: str, requirement: str, title: str) -> str:
    """Hex SHA-256 naming the attested requirement: framework, id and title as canonical JSON."""
    document = {"framework": framework, "requirement": requirement, "title": title}
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def attestation_statement(
    attestation: Attestation, *, record_id: str, origin: str, requirement_title: str
) -> bytes:
    """The canonical bytes of a manual-attestation Statement; these exact bytes are signed."""
    digest = requirement_digest(attestation.framework, attestation.requirement, requirement_title)
    return canonical_bytes(
        {
            "_type": STATEMENT_TYPE,
            "subject": [
                {"name": f"{attestation.framework} {attestation.requirement}", "digest": {"sha256": digest}}
            ],
            "predicateType": ATTESTATION_PREDICATE,
            "predicate": {
                "recordId": record_id,
                "evidenceLog": origin,
                "timeAttested": rfc3339_millis(attestation.attested_at),
                "framework": attestation.framework,
                "requirement": attestation.requirement,
                "requirementTitle": requirement_title,
                "attestedBy": attestation.by,
                "statement": attestation.statement,
                "expires": attestation.expires.isoformat(),
                "evidenceRef": attestation.evidence_ref,
            },
        }
    )


def attestation_record(
    attestation: Attestation, *, signer: Signer, origin: str, requirement_title: str
) -> EntryCreate:
    """Sign the Statement and keep the column `evidence log` filters on."""
    record_id = new_record_id()
    payload = attestation_statement(
        attestation, record_id=record_id, origin=origin, requirement_title=requirement_title
    )
    envelope = sign_envelope(IN_TOTO_PAYLOAD_TYPE, payload, [signer])
    return EntryCreate(
        envelope=envelope.to_bytes(),
        record_id=record_id,
        key_id=signer.key_id,
        predicate_type=ATTESTATION_PREDICATE,
    )


def record_attestation(
    store: EvidenceStore, attestation: Attestation, *, signer: Signer, requirement_title: str
) -> EvidenceReceipt:
    """Durably append one attestation; the receipt comes back only once it is committed."""
    record = attestation_record(
        attestation, signer=signer, origin=store.origin, requirement_title=requirement_title
    )
    return store.append([record], signer)[0]


def _from_predicate(predicate: Mapping[str, Any], index: int, digest: str) -> Attestation:
    try:
        return Attestation(
            framework=str(predicate["framework"]),
            requirement=str(predicate["requirement"]),
            by=str(predicate["attestedBy"]),
            statement=str(predicate["statement"]),
            expires=date.fromisoformat(str(predicate["expires"])),
            attested_at=datetime.fromisoformat(str(predicate["timeAttested"]).replace("Z", "+00:00")),
            evidence_ref=predicate.get("evidenceRef"),
            record_digest=f"sha256:{digest}",
            log_index=index,
        )
    except (KeyError, ValueError) as error:
        raise MalformedRecordError(f"attestation at index {index} is malformed: {error}") from error


def read_attestations(store: EvidenceStore) -> list[Attestation]:
    """Every attestation in the log, oldest first (`gavel evidence verify` proves their signatures)."""
    query = (
        select(ENTRY.c.idx, ENTRY.c.envelope, ENTRY.c.envelope_sha256)
        .where(ENTRY.c.log_id == LOG_ID, ENTRY.c.predicate_type == ATTESTATION_PREDICATE)
        .order_by(ENTRY.c.idx)
    )
    found = []
    with store.snapshot() as connection:
        for row in connection.execute(query):
            statement = strict_loads(Envelope.from_bytes(bytes(row.envelope)).payload)
            predicate = statement.get("predicate") if isinstance(statement, dict) else None
            if not isinstance(predicate, dict):
                raise MalformedRecordError(f"attestation at index {row.idx} has no predicate")
            found.append(_from_predicate(predicate, row.idx, row.envelope_sha256))
    return found
