"""C2SP signed notes and tlog checkpoints, byte for byte.

A checkpoint is the note text `origin\\nsize\\nbase64(root)\\n`, then a blank line, then one
signature line per key: `— <name> base64(4-byte key id || Ed25519 signature)`. The 4-byte id is
`SHA-256(name || 0x0A || 0x01 || raw public key)[:4]`. Signatures by keys the verifier does not
know are ignored (that is what lets a log rotate keys), a known key whose signature fails rejects
the note, and a note no known key verifies is rejected.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .errors import MalformedRecordError
from .keys import Signer, raw_public

EM_DASH = "\u2014"
ED25519_NOTE_TYPE = b"\x01"
MAX_SIGNATURES = 16


def note_key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519_NOTE_TYPE + raw_public(public_key)).digest()[
        :4
    ]


def verifier_key(name: str, public_key: Ed25519PublicKey) -> str:
    """The text form of a note verifier key: `<name>+<hex id>+<base64(0x01 || key)>`."""
    encoded = base64.b64encode(ED25519_NOTE_TYPE + raw_public(public_key)).decode("ascii")
    return f"{name}+{note_key_id(name, public_key).hex()}+{encoded}"


def sign_note(text: str, name: str, signers: Sequence[Signer]) -> str:
    """A signed note; `text` must end in a newline and is signed exactly as given."""
    if not text.endswith("\n"):
        raise ValueError("note text must end with a newline")
    message = text.encode("utf-8")
    lines = []
    for signer in signers:
        blob = note_key_id(name, signer.public_key) + signer.sign(message)
        lines.append(f"{EM_DASH} {name} {base64.b64encode(blob).decode('ascii')}\n")
    return text + "\n" + "".join(lines)


def open_note(note: str, name: str, keys: Iterable[Ed25519PublicKey]) -> str:
    """The note's text if a known key signed it; raises `MalformedRecordError` otherwise."""
    text, separator, signature_block = note.rpartition("\n\n")
    if not separator or not signature_block.endswith("\n"):
        raise MalformedRecordError("note has no signature block")
    text += "\n"
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise MalformedRecordError("note text holds control characters")
    lines = signature_block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedRecordError(f"note has more than {MAX_SIGNATURES} signatures")
    known = {note_key_id(name, key): key for key in keys}
    message = text.encode("utf-8")
    verified = False
    for line in lines:
        signer_name, blob = _parse_signature_line(line)
        if signer_name != name or blob[:4] not in known:
            continue
        try:
            known[blob[:4]].verify(blob[4:], message)
        except InvalidSignature as error:
            raise MalformedRecordError(
                f"note signature by known key {blob[:4].hex()} does not verify"
            ) from error
        verified = True
    if not verified:
        raise MalformedRecordError(f"note is not signed by any trusted key for {name!r}")
    return text


def _parse_signature_line(line: str) -> tuple[str, bytes]:
    prefix = EM_DASH + " "
    if not line.startswith(prefix):
        raise MalformedRecordError("note signature line does not start with an em dash")
    parts = line[len(prefix) :].split(" ")
    if len(parts) != 2:
        raise MalformedRecordError("note signature line is not `— name signature`")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError) as error:
        raise MalformedRecordError("note signature is not base64") from error
    if len(blob) != 4 + 64:
        raise MalformedRecordError("note signature is not a 4-byte id and an Ed25519 signature")
    return parts[0], blob


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode('ascii')}\n"

    def sign(self, signers: Sequence[Signer]) -> str:
        return sign_note(self.text(), self.origin, signers)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) != 4 or lines[3] != "":
            raise MalformedRecordError("checkpoint text is not exactly origin, size and root lines")
        origin, size_text, root_text = lines[:3]
        if not size_text.isdigit() or (size_text.startswith("0") and size_text != "0"):
            raise MalformedRecordError(
                f"checkpoint size {size_text!r} is not a decimal without leading zeros"
            )
        try:
            root = base64.b64decode(root_text, validate=True)
        except (binascii.Error, ValueError) as error:
            raise MalformedRecordError("checkpoint root is not base64") from error
        if len(root) != 32:
            raise MalformedRecordError("checkpoint root is not 32 bytes")
        return cls(origin, int(size_text), root)


def verify_checkpoint(note: str, origin: str, keys: Mapping[str, Ed25519PublicKey]) -> Checkpoint:
    """Open a checkpoint note signed by one of `keys` and check it names `origin`."""
    checkpoint = Checkpoint.parse(open_note(note, origin, keys.values()))
    if checkpoint.origin != origin:
        raise MalformedRecordError(f"checkpoint is for log {checkpoint.origin!r}, not {origin!r}")
    return checkpoint
