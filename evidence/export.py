"""Export part or all of the log as a bundle an auditor verifies offline (see `offline.py`).

The bundle is a gzip tarball: `manifest.json` (origin, range, tree size, member digests),
`entries.jsonl` (index, integrated time and the exact stored envelope bytes in base64),
`checkpoint` (the signed checkpoint at the tree size the export was read at),
`checkpoints/<size>` (the signed checkpoints inside the range), `range-proof.json` (the Merkle
subtrees left and right of the range) and `keys.json` (public keys, informational only: trust comes
from the auditor's own key file). Everything is read from one snapshot of the store.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, func, select

from ..engine.errors import UsageError
from .errors import TamperError
from .merkle import range_proof
from .records import gavel_version
from .statement import rfc3339_millis
from .store import ENTRY, KEY, LOG_ID, EvidenceStore

BUNDLE_FORMAT = "gavel-evidence-bundle/v1"


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    begin: int
    end: int
    tree_size: int


def _range(
    connection: Connection, since: datetime | None, until: datetime | None, size: int
) -> tuple[int, int]:
    begin, end = 0, size
    if since is not None:
        found = connection.execute(
            select(func.min(ENTRY.c.idx)).where(
                ENTRY.c.log_id == LOG_ID, ENTRY.c.integrated_time >= rfc3339_millis(since)
            )
        ).scalar()
        begin = size if found is None else int(found)
    if until is not None:
        found = connection.execute(
            select(func.max(ENTRY.c.idx)).where(
                ENTRY.c.log_id == LOG_ID, ENTRY.c.integrated_time < rfc3339_millis(until)
            )
        ).scalar()
        end = 0 if found is None else int(found) + 1
    return begin, end


def _add(archive: tarfile.TarFile, name: str, data: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o644
    archive.addfile(info, data)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, digests: dict[str, str]) -> None:
    digests[name] = hashlib.sha256(data).hexdigest()
    _add(archive, name, io.BytesIO(data), len(data))


def export_bundle(
    store: EvidenceStore, out: Path, *, since: datetime | None = None, until: datetime | None = None
) -> ExportSummary:
    """Write the entries integrated in `[since, until)` (all by default) with their proofs to `out`."""
    with store.snapshot() as connection:
        size = int(store.state(connection).tree_size)
        begin, end = _range(connection, since, until, size)
        if begin >= end:
            raise UsageError("no evidence was recorded in the requested period; nothing to export")
        notes = dict(store.checkpoint_notes(connection, after=begin))
        if size not in notes:
            raise TamperError(size - 1, f"the store holds no signed checkpoint for its size {size}")
        left, right = range_proof(begin, end, size, lambda level, index: store.node(connection, level, index))
        keys = [
            {
                "key_id": row.key_id,
                "public_pem": row.public_pem,
                "valid_from_index": row.valid_from_index,
                "valid_until_index": row.valid_until_index,
            }
            for row in connection.execute(select(KEY).order_by(KEY.c.valid_from_index))
        ]
        digests: dict[str, str] = {}
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile() as entries, tarfile.open(out, "w:gz") as archive:
            hasher = hashlib.sha256()
            for row in store.entry_rows(connection, begin, end):
                line = (
                    json.dumps(
                        {
                            "index": row.idx,
                            "integratedTime": row.integrated_time,
                            "envelope_b64": base64.b64encode(bytes(row.envelope)).decode("ascii"),
                        },
                        separators=(",", ":"),
                    ).encode()
                    + b"\n"
                )
                hasher.update(line)
                entries.write(line)
            length = entries.tell()
            entries.seek(0)
            digests["entries.jsonl"] = hasher.hexdigest()
            _add(archive, "entries.jsonl", entries, length)
            _add_bytes(archive, "checkpoint", notes[size].encode(), digests)
            for tree_size, note in notes.items():
                if tree_size <= end:
                    _add_bytes(archive, f"checkpoints/{tree_size}", note.encode(), digests)
            proof = {
                "left": [base64.b64encode(h).decode() for h in left],
                "right": [base64.b64encode(h).decode() for h in right],
            }
            _add_bytes(archive, "range-proof.json", json.dumps(proof, indent=1).encode(), digests)
            _add_bytes(archive, "keys.json", json.dumps(keys, indent=1).encode(), digests)
            manifest = {
                "format": BUNDLE_FORMAT,
                "origin": store.origin,
                "range": [begin, end],
                "tree_size": size,
                "created": rfc3339_millis(datetime.now(UTC)),
                "tool_version": gavel_version(),
                "files": digests,
            }
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode(), {})
    return ExportSummary(out, begin, end, size)
