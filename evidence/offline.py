"""The offline bundle verifier: no database, no network, and trust only in the auditor's key file.

It imports nothing that can open a socket or a database. The bundle's own `keys.json` and
`manifest.json` are never trusted: the manifest only says where to look, and every claim in it is
proven by the signed checkpoint, the signed envelopes and the Merkle tree, or the bundle is
rejected naming the first bad index.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .canonical import strict_loads
from .checkpoint import verify_checkpoint
from .dsse import b64decode_any
from .errors import BundleFormatError, MalformedRecordError, TamperError
from .merkle import Frontier, root_from_range
from .verify import EntryView, LogVerifier, VerificationReport

BUNDLE_FORMAT = "gavel-evidence-bundle/v1"


def _open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BundleFormatError(
            f"{path}: not a readable evidence bundle", hint="expected a tarball from `gavel evidence export`"
        ) from error


class _Bundle:
    def __init__(self, path: Path, archive: tarfile.TarFile):
        self.path = path
        self.archive = archive
        try:
            self.names = set(archive.getnames())
        except (OSError, tarfile.TarError, EOFError) as error:
            raise BundleFormatError(f"{path}: not a readable evidence bundle: {error}") from error

    def read(self, name: str) -> bytes:
        try:
            handle = self.archive.extractfile(name)
            if handle is None:
                raise KeyError(name)
            return handle.read()
        except KeyError as error:
            raise BundleFormatError(f"{self.path}: bundle has no {name}") from error
        except (OSError, tarfile.TarError, EOFError) as error:
            raise BundleFormatError(f"{self.path}: bundle member {name} is unreadable: {error}") from error


def _manifest(bundle: _Bundle) -> dict[str, Any]:
    try:
        manifest = strict_loads(bundle.read("manifest.json"))
    except MalformedRecordError as error:
        raise BundleFormatError(f"{bundle.path}: manifest.json: {error.message}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise BundleFormatError(f"{bundle.path}: not a {BUNDLE_FORMAT} bundle")
    begin, end = manifest.get("range", [None, None])
    size, origin = manifest.get("tree_size"), manifest.get("origin")
    if not (
        isinstance(begin, int) and isinstance(end, int) and isinstance(size, int) and isinstance(origin, str)
    ):
        raise BundleFormatError(f"{bundle.path}: manifest.json lacks origin, range or tree_size")
    if not 0 <= begin < end <= size:
        raise BundleFormatError(
            f"{bundle.path}: manifest range [{begin}, {end}) does not fit tree size {size}"
        )
    return manifest


def _entries(bundle: _Bundle, begin: int) -> Iterator[EntryView]:
    for position, line in enumerate(bundle.read("entries.jsonl").splitlines()):
        try:
            document = strict_loads(line)
            yield EntryView(
                int(document["index"]),
                str(document["integratedTime"]),
                b64decode_any(document["envelope_b64"]),
            )
        except (MalformedRecordError, KeyError, TypeError, ValueError) as error:
            raise TamperError(
                begin + position, f"entries.jsonl line {position + 1} is malformed: {error}"
            ) from error


def verify_bundle(path: Path, trusted: Mapping[str, Ed25519PublicKey]) -> VerificationReport:
    """Verify a bundle written by `export_bundle` against `trusted` keys only."""
    with _open_archive(path) as archive:
        return _verify(_Bundle(path, archive), trusted)


def _verify(bundle: _Bundle, trusted: Mapping[str, Ed25519PublicKey]) -> VerificationReport:
    manifest = _manifest(bundle)
    origin: str = manifest["origin"]
    begin, end = manifest["range"]
    size: int = manifest["tree_size"]
    proof = strict_loads(bundle.read("range-proof.json"))
    left = [b64decode_any(h) for h in proof.get("left", [])]
    right = [b64decode_any(h) for h in proof.get("right", [])]
    try:
        frontier = Frontier.unpack(begin, b"".join(left))
    except ValueError as error:
        raise TamperError(begin, f"the range proof does not fit the bundle's first index: {error}") from error
    final = bundle.read("checkpoint").decode("utf-8", "replace")
    notes = [
        bundle.read(name).decode("utf-8", "replace")
        for name in sorted(bundle.names)
        if name.startswith("checkpoints/")
    ]
    verifier = LogVerifier(origin, trusted, [*notes, final] if end == size else notes, frontier)
    leaves: list[bytes] = []
    for entry in _entries(bundle, begin):
        if verifier.frontier.size >= end:
            raise TamperError(verifier.frontier.size, "the bundle holds entries beyond its declared range")
        verifier.add(entry)
        leaves.append(verifier.last_leaf)
    if verifier.frontier.size != end:
        raise TamperError(verifier.frontier.size, f"the bundle ends before index {end} (entries removed)")
    report = verifier.finish(require_checkpoint_at_end=end == size)
    if end < size:
        _check_final(final, verifier, begin=begin, size=size, leaves=leaves, left=left, right=right)
    return report


def _check_final(
    note: str,
    verifier: LogVerifier,
    *,
    begin: int,
    size: int,
    leaves: list[bytes],
    left: list[bytes],
    right: list[bytes],
) -> None:
    index = begin + len(leaves) - 1
    try:
        checkpoint = verify_checkpoint(note, verifier.origin, verifier.ring.keys)
    except MalformedRecordError as error:
        raise TamperError(index, f"final checkpoint: {error.message}") from error
    if checkpoint.size != size or root_from_range(begin, size, leaves, left, right) != checkpoint.root:
        raise TamperError(index, "the entries and range proof do not produce the signed checkpoint's root")
    verifier.report.checkpoints += 1
