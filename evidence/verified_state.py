"""What this machine has already verified of a log: trusted local state kept beside the signing key.

After a verification succeeds, the verified size, Merkle root and frontier, the trusted key ids,
the key ring (keys rotated in, with the indices they are valid for), the policy lists of the
bundles, the totals, and one digest per range of stored rows are written to
`$GAVEL_HOME/verified/<log id>.json`. It is never stored in the evidence database: whoever can
edit that database must not be able to vouch for it. A later run recomputes the digests and the
root of the first `size` entries from the stored rows (hashing only) and needs signature checks
only for entries appended since; a stored row edited in between changes a digest and is caught.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_FORMAT = "gavel-verified-state/v1"


@dataclass(frozen=True)
class RingKey:
    """A key the log's rotation chain made valid for indices `[valid_from, valid_until)`."""

    public: bytes
    valid_from: int = 0
    valid_until: int | None = None


@dataclass(frozen=True)
class VerifiedState:
    origin: str
    size: int
    root: bytes
    frontier: bytes
    range_level: int
    digest_format: str
    digests: tuple[str, ...]
    trusted: frozenset[str]
    ring: dict[str, RingKey]
    bundles: dict[str, frozenset[str]]
    checkpoints: int
    decisions: Counter[str] = field(default_factory=Counter)
    signing_keys: Counter[str] = field(default_factory=Counter)
    verified_at: str = ""
    full_verified_at: str = ""

    def to_document(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "origin": self.origin,
            "size": self.size,
            "root": self.root.hex(),
            "frontier": self.frontier.hex(),
            "range_level": self.range_level,
            "digest_format": self.digest_format,
            "digests": list(self.digests),
            "trusted": sorted(self.trusted),
            "ring": {
                key_id: {
                    "public": key.public.hex(),
                    "valid_from": key.valid_from,
                    "valid_until": key.valid_until,
                }
                for key_id, key in sorted(self.ring.items())
            },
            "bundles": {digest: sorted(ids) for digest, ids in sorted(self.bundles.items())},
            "checkpoints": self.checkpoints,
            "decisions": dict(sorted(self.decisions.items())),
            "signing_keys": dict(sorted(self.signing_keys.items())),
            "verified_at": self.verified_at,
            "full_verified_at": self.full_verified_at,
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> VerifiedState:
        if document.get("format") != STATE_FORMAT:
            raise ValueError(f"not a {STATE_FORMAT} document")
        return cls(
            origin=str(document["origin"]),
            size=int(document["size"]),
            root=bytes.fromhex(document["root"]),
            frontier=bytes.fromhex(document["frontier"]),
            range_level=int(document["range_level"]),
            digest_format=str(document["digest_format"]),
            digests=tuple(str(d) for d in document["digests"]),
            trusted=frozenset(str(k) for k in document["trusted"]),
            ring={
                str(key_id): RingKey(bytes.fromhex(key["public"]), int(key["valid_from"]), key["valid_until"])
                for key_id, key in document["ring"].items()
            },
            bundles={str(d): frozenset(map(str, ids)) for d, ids in document["bundles"].items()},
            checkpoints=int(document["checkpoints"]),
            decisions=Counter({str(k): int(v) for k, v in document["decisions"].items()}),
            signing_keys=Counter({str(k): int(v) for k, v in document["signing_keys"].items()}),
            verified_at=str(document["verified_at"]),
            full_verified_at=str(document["full_verified_at"]),
        )


def state_path(folder: Path, origin: str) -> Path:
    return folder / f"{hashlib.sha256(origin.encode()).hexdigest()[:32]}.json"


def load_state(folder: Path, origin: str) -> VerifiedState | None:
    """The saved state for `origin`, or None when there is none or it cannot be read (then verify fully)."""
    try:
        state = VerifiedState.from_document(json.loads(state_path(folder, origin).read_bytes()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return state if state.origin == origin else None


def save_state(folder: Path, state: VerifiedState) -> Path:
    """Write atomically with mode 0600, like the private key beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = state_path(folder, state.origin)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(state.to_document(), handle, indent=1)
        os.replace(temporary, path)
    except BaseException:  # a full disk or an interrupt leaves no half-written file behind
        temporary.unlink(missing_ok=True)
        raise
    return path
