"""DSSE v1 envelopes: sign `PAE(payloadType, payload)` and verify it before anything is parsed.

The payload type is authenticated by the PAE, so a signature cannot be replayed under another
type. Key ids in an envelope are unauthenticated hints; verification only ever counts signatures
made by keys the caller trusts, each distinct key once.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .canonical import canonical_bytes, strict_loads
from .errors import MalformedRecordError
from .keys import Signer

IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"


def pae(payload_type: str, body: bytes) -> bytes:
    """Pre-Authentication Encoding; lengths are byte lengths of the UTF-8 type and of the body."""
    encoded_type = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(encoded_type), encoded_type, len(body), body)


def b64decode_any(text: object) -> bytes:
    """Decode standard or URL-safe base64, padded or not; anything else is malformed."""
    if not isinstance(text, str):
        raise MalformedRecordError("base64 field is not a string")
    padded = text + "=" * (-len(text) % 4)
    alphabet = b"-_" if ("-" in text or "_" in text) else b"+/"
    try:
        return base64.b64decode(padded, altchars=alphabet, validate=True)
    except (binascii.Error, ValueError) as error:
        raise MalformedRecordError(f"invalid base64: {error}") from error


@dataclass(frozen=True)
class Signature:
    keyid: str
    sig: bytes


@dataclass(frozen=True)
class Envelope:
    payload_type: str
    payload: bytes
    signatures: tuple[Signature, ...]

    def to_bytes(self) -> bytes:
        """The compact JSON form that is stored and hashed into the log, exactly once.

        Byte for byte what `canonical_bytes` makes of the envelope (keys sorted, no whitespace),
        written out directly: base64 never needs JSON escaping, and encoding a statement's
        base64 through the JSON encoder cost as much as building the statement.
        """
        signatures = b",".join(
            b'{"keyid":%b,"sig":"%b"}' % (canonical_bytes(s.keyid), base64.b64encode(s.sig))
            for s in self.signatures
        )
        return b'{"payload":"%b","payloadType":%b,"signatures":[%b]}' % (
            base64.b64encode(self.payload),
            canonical_bytes(self.payload_type),
            signatures,
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Envelope:
        document = strict_loads(data)
        if not isinstance(document, dict):
            raise MalformedRecordError("envelope is not a JSON object")
        payload_type = document.get("payloadType")
        signatures = document.get("signatures")
        if not isinstance(payload_type, str) or not isinstance(signatures, list):
            raise MalformedRecordError("envelope lacks payloadType or signatures")
        parsed = []
        for entry in signatures:
            if not isinstance(entry, dict):
                raise MalformedRecordError("envelope signature is not an object")
            keyid = entry.get("keyid", "")
            parsed.append(Signature(keyid if isinstance(keyid, str) else "", b64decode_any(entry.get("sig"))))
        return cls(payload_type, b64decode_any(document.get("payload")), tuple(parsed))


def sign_envelope(payload_type: str, payload: bytes, signers: Sequence[Signer]) -> Envelope:
    message = pae(payload_type, payload)
    return Envelope(payload_type, payload, tuple(Signature(s.key_id, s.sign(message)) for s in signers))


def verified_key_ids(envelope: Envelope, trusted: Mapping[str, Ed25519PublicKey]) -> set[str]:
    """Ids of the distinct trusted keys whose signature over the PAE verifies.

    The keyid hint only orders the search; a signature is tried against every trusted key, so an
    edited or missing hint neither helps nor hurts. An empty payload type is never accepted.
    """
    if not envelope.payload_type:
        return set()
    message = pae(envelope.payload_type, envelope.payload)
    verified: set[str] = set()
    for signature in envelope.signatures:
        for key_id in _candidates(signature.keyid, trusted):
            if key_id in verified:
                continue
            try:
                trusted[key_id].verify(signature.sig, message)
            except InvalidSignature:
                continue
            verified.add(key_id)
            break
    return verified


def _candidates(hint: str, trusted: Mapping[str, Ed25519PublicKey]) -> Iterable[str]:
    if hint in trusted:
        yield hint
    yield from (key_id for key_id in trusted if key_id != hint)
