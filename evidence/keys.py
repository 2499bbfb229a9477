"""Ed25519 signing keys on disk: generate on first use, rotate, and load trusted public keys.

Layout under the keys folder (`$GAVEL_HOME/keys/`): `<key id>.pub` (SubjectPublicKeyInfo PEM),
`<key id>.key` (unencrypted PKCS#8 PEM, created 0600) and `active` (the id of the signing key).
A key id is the lowercase hex SHA-256 of the public key's DER SubjectPublicKeyInfo, so it is bound
to the algorithm and anyone can recompute it with `openssl pkey -pubin -outform DER | sha256sum`.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import KeyFileError

ACTIVE_FILE = "active"
_PEM_BLOCK = re.compile(rb"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)


def spki_der(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """Lowercase hex SHA-256 over the DER SubjectPublicKeyInfo (44 bytes for Ed25519)."""
    return hashlib.sha256(spki_der(public_key)).hexdigest()


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class Signer:
    """A loaded private key; it and its public half and id are derived once, not per signature."""

    private_key: Ed25519PrivateKey

    @cached_property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @cached_property
    def key_id(self) -> str:
        return key_id_of(self.public_key)

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)


def write_key(keys_dir: Path, private_key: Ed25519PrivateKey) -> Signer:
    """Store a key pair under `keys_dir`; the private file is created 0600 before any byte is written."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    signer = Signer(private_key)
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(keys_dir / f"{signer.key_id}.key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(private_pem)
    (keys_dir / f"{signer.key_id}.pub").write_bytes(public_pem(signer.public_key))
    return signer


def set_active(keys_dir: Path, key_id: str) -> None:
    temporary = keys_dir / f".{ACTIVE_FILE}.tmp"
    temporary.write_text(key_id + "\n", encoding="ascii")
    temporary.replace(keys_dir / ACTIVE_FILE)


def generate_key(keys_dir: Path) -> Signer:
    """A new key that becomes the active signing key."""
    signer = write_key(keys_dir, Ed25519PrivateKey.generate())
    set_active(keys_dir, signer.key_id)
    return signer


def load_signer(keys_dir: Path, key_id: str | None = None) -> Signer:
    """The active key (or `key_id`); a missing or unreadable key is a `KeyFileError` naming the file."""
    if key_id is None:
        active = keys_dir / ACTIVE_FILE
        try:
            key_id = active.read_text(encoding="ascii").strip()
        except OSError as error:
            raise KeyFileError(
                f"no active signing key: {error.strerror}", hint="run `gavel keys generate`"
            ) from error
    path = keys_dir / f"{key_id}.key"
    try:
        private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise KeyFileError(f"{path}: cannot load private key: {error}") from error
    if not isinstance(private_key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 private key")
    return Signer(private_key)


def load_or_create_signer(keys_dir: Path) -> tuple[Signer, str | None]:
    """The active signer, generating one on first use; the notice is a line to show the user, or None.

    Several processes may reach a new keys folder at once (the webhook's workers start
    together): each writes a key of its own, and the first to publish its id as `active` wins.
    The others delete theirs and sign with the winner's, so every process appends to the
    evidence log with the one key the log accepts.
    """
    if (keys_dir / ACTIVE_FILE).exists():
        return load_signer(keys_dir), None
    try:
        signer = write_key(keys_dir, Ed25519PrivateKey.generate())
        claimed = _claim_active(keys_dir, signer.key_id)
    except OSError as error:
        raise KeyFileError(
            f"{keys_dir}: no active signing key and none can be created there: {error.strerror}",
            hint="mount the keys folder (e.g. the evidence Secret) or run `gavel keys generate`",
        ) from error
    if not claimed:
        for suffix in (".key", ".pub"):
            (keys_dir / f"{signer.key_id}{suffix}").unlink(missing_ok=True)
        return load_signer(keys_dir), None
    return signer, f"generated signing key {signer.key_id} in {keys_dir}"


def _claim_active(keys_dir: Path, key_id: str) -> bool:
    """Publish `key_id` as the active key unless one is already: a hard link of a file written in
    full, so a reader never sees a partial id and only one of several writers succeeds."""
    temporary = keys_dir / f".{ACTIVE_FILE}.{os.getpid()}.tmp"
    temporary.write_text(key_id + "\n", encoding="ascii")
    try:
        os.link(temporary, keys_dir / ACTIVE_FILE)
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)
    return True


def parse_public_keys(data: bytes, source: str) -> dict[str, Ed25519PublicKey]:
    """Every Ed25519 public key in PEM text (one or more blocks), by key id."""
    keys: dict[str, Ed25519PublicKey] = {}
    for block in _PEM_BLOCK.findall(data):
        try:
            public_key = serialization.load_pem_public_key(block)
        except ValueError as error:
            raise KeyFileError(f"{source}: unreadable public key: {error}") from error
        if not isinstance(public_key, Ed25519PublicKey):
            raise KeyFileError(f"{source}: holds a public key that is not Ed25519")
        keys[key_id_of(public_key)] = public_key
    if not keys:
        raise KeyFileError(f"{source}: no PEM public key found")
    return keys


def load_trusted_keys(path: Path) -> dict[str, Ed25519PublicKey]:
    """Trusted public keys from a file of PEM blocks, or from every `*.pub` in a keys folder."""
    try:
        if path.is_dir():
            data = b"".join(sorted(p.read_bytes() for p in path.glob("*.pub")))
        else:
            data = path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"{path}: cannot read trusted keys: {error.strerror}") from error
    return parse_public_keys(data, str(path))
