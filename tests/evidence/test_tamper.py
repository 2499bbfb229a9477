"""The tamper suite (reference section 3.8): each attack on the store or on an exported bundle is
caught by `verify_store` / `verify_bundle`, which name the first bad index.

Every attack on the store is run against a full verification and against an incremental one that
starts from the state saved when the untouched log was verified, as `gavel evidence verify` does
on its second run."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sqlite3
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gavel.evidence.errors import TamperError
from gavel.evidence.export import export_bundle
from gavel.evidence.keys import Signer, load_trusted_keys
from gavel.evidence.merkle import leaf_hash
from gavel.evidence.offline import verify_bundle
from gavel.evidence.store import EvidenceStore
from gavel.evidence.store_verify import verify_store
from gavel.evidence.verified_state import load_state
from gavel.evidence.verify import leaf_bytes
from gavel.evidence.verify_range import RANGE_LEVEL

from .conftest import SUBJECTS, make_decision

SIZE = 10
RANGES = 2  # ranges of four entries, so a ten-entry log spans three and attacks land in several
# What an incremental run says of an edit to a row of entries 4..7 that leaves every hash intact.
SECOND_RANGE = (4, "entries 4..7 no longer match the state verified")


def fill(store: EvidenceStore, signer: Signer, count: int = SIZE) -> None:
    """Append in batches of 1, 2, 3, 4 so checkpoints exist at several sizes."""
    from gavel.evidence.records import decision_record

    appended, batch = 0, 1
    while appended < count:
        take = min(batch, count - appended)
        records = [
            decision_record(
                make_decision(passed=(appended + i) % 3 == 0),
                signer=signer,
                origin=store.origin,
                subject_digests=SUBJECTS,
                context={"run": appended + i},
                environment={},
            )
            for i in range(take)
        ]
        store.append(records, signer)
        appended, batch = appended + take, batch + 1


@pytest.fixture
def database(tmp_path: Path, signer: Signer) -> tuple[Path, EvidenceStore]:
    path = tmp_path / "evidence.db"
    store = EvidenceStore.open(f"sqlite:///{path}", origin="example.com/gavel-test-log")
    fill(store, signer)
    return path, store


def tamper(path: Path, *statements: str, parameters: tuple[object, ...] = ()) -> None:
    """What an attacker with write access to the file does: drop the guards, then edit."""
    connection = sqlite3.connect(path)
    for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        connection.execute(f"DROP TRIGGER {name}")
    connection.execute("DROP INDEX IF EXISTS evidence_entry_envelope")
    connection.execute("DROP INDEX IF EXISTS evidence_entry_record")
    for statement in statements:
        connection.execute(statement, parameters if "?" in statement else ())
    connection.commit()
    connection.close()


def envelope_at(path: Path, index: int) -> dict[str, object]:
    connection = sqlite3.connect(path)
    (envelope,) = connection.execute("SELECT envelope FROM evidence_entry WHERE idx = ?", (index,)).fetchone()
    connection.close()
    return json.loads(envelope)


def rewrite_envelope(path: Path, index: int, envelope: bytes, origin: str) -> None:
    """Replace an entry's envelope and make its leaf hash consistent with the new bytes."""
    connection = sqlite3.connect(path)
    (time,) = connection.execute(
        "SELECT integrated_time FROM evidence_entry WHERE idx = ?", (index,)
    ).fetchone()
    connection.close()
    digest = hashlib.sha256(envelope).hexdigest()
    leaf = leaf_hash(leaf_bytes(origin, index, time, digest))
    tamper(
        path,
        "UPDATE evidence_entry SET envelope = ?, envelope_sha256 = ?, leaf_hash = ? WHERE idx = ?",
        parameters=(envelope, digest, leaf, index),
    )


@pytest.fixture
def verified(database: tuple[Path, EvidenceStore], keys_dir: Path, tmp_path: Path) -> Path:
    """The state folder of a full verification of the untouched log, run before the attack."""
    state_dir = tmp_path / "verified"
    verify_store(database[1], load_trusted_keys(keys_dir), state_dir=state_dir, range_level=RANGES)
    return state_dir


def assert_caught(
    store: EvidenceStore,
    keys_dir: Path,
    state_dir: Path,
    index: int,
    reason: str,
    *,
    incremental: tuple[int, str] | None = None,
) -> None:
    """A full verification names the first bad index and why, whether it reads the log as one range
    or as several; an incremental one catches the attack too.

    The incremental run does not check old entries' signatures again, so an edit to an old entry
    shows up as changed hashes or rows, at the index and for the reason `incremental` names where
    they differ from the full run's.
    """
    trusted = load_trusted_keys(keys_dir)
    assert load_state(state_dir, store.origin) is not None
    runs = (
        (None, RANGE_LEVEL, (index, reason)),
        (None, RANGES, (index, reason)),
        (state_dir, RANGES, incremental or (index, reason)),
    )
    for state, level, (at, why) in runs:
        with pytest.raises(TamperError) as caught:
            verify_store(store, trusted, state_dir=state, range_level=level)
        assert caught.value.index == at, caught.value.one_line()
        assert why in caught.value.reason, caught.value.one_line()
        assert caught.value.exit_code == 5


def test_untouched_store_verifies(
    database: tuple[Path, EvidenceStore], keys_dir: Path, verified: Path
) -> None:
    trusted = load_trusted_keys(keys_dir)
    full = verify_store(database[1], trusted, full=True)
    again = verify_store(database[1], trusted, state_dir=verified, range_level=RANGES)
    assert full.full and not again.full
    for report in (full.report, again.report):
        assert (report.size, report.checkpoints) == (SIZE, 4)
        assert report.decisions == {"allow": 4, "deny": 6}


def test_edit_decision_inside_signed_payload(
    database: tuple[Path, EvidenceStore], keys_dir: Path, verified: Path
) -> None:
    path, store = database
    envelope = envelope_at(path, 4)
    payload = base64.b64decode(str(envelope["payload"])).replace(b'"decision":"deny"', b'"decision":"allow"')
    envelope["payload"] = base64.b64encode(payload).decode()
    rewrite_envelope(path, 4, json.dumps(envelope).encode(), store.origin)
    assert_caught(
        store, keys_dir, verified, 4, "signature does not verify", incremental=(5, "Merkle node (1, 2)")
    )


def test_edit_only_the_query_column(
    database: tuple[Path, EvidenceStore], keys_dir: Path, verified: Path
) -> None:
    tamper(database[0], "UPDATE evidence_entry SET decision = 'allow' WHERE idx = 5")
    assert_caught(database[1], keys_dir, verified, 5, "stored decision column", incremental=SECOND_RANGE)


def test_flip_one_byte_of_an_envelope(
    database: tuple[Path, EvidenceStore], keys_dir: Path, verified: Path
) -> None:
    path, store = database
    connection = sqlite3.connect(path)
    (envelope,) = connection.execute("SELECT envelope FROM evidence_entry WHERE idx = 7").fetchone()
    connection.close()
    flipped = bytearray(envelope)
    flipped[len(flipped) // 2] ^= 0x01
    tamper(path, "UPDATE evidence_entry SET envelope = ? WHERE idx = 7", parameters=(bytes(flipped),))
    assert_caught(store, keys_dir, verified, 7, "")


def test_reencoded_envelope_with_valid_signature_breaks_the_leaf(
    database: tuple[Path, EvidenceStore], keys_dir: Path, verified: Path
) -> None:
    path, _ = database
    pretty = json.dumps(envelope_at(path, 2), indent=2).encode()
    tamper(path, "UPDATE evidence_entry SET envelope = ? WHERE idx = 2", parameters=(pretty,))
    assert_caught(database[1], keys_dir, verified, 2, "leaf hash")


def test_delete_a_row(database: tuple[Path, EvidenceStore], keys_dir: Path, verified: Path) -> None:
    tamper(database[0], "DELETE FROM evidence_entry WHERE idx = 3")
    assert_caught(database[1], keys_dir, verified, 3, "expected entry 3")


def test_reorder_two_rows(database: tuple[Path, EvidenceStore], keys_dir: Path, verified: Path) -> None:
    tamper(
        database[0],
        "UPDATE evidence_entry SET idx = -1 WHERE idx = 6",
        "UPDATE evidence_entry SET idx = 6 WHERE idx = 8",
        "UPDATE evidence_entry SET idx = 8 WHERE idx = -1",
    )
    assert_caught(database[1], keys_dir, verified, 6, "leaf hash")


def test_duplicate_a_row(database: tuple[Path, EvidenceStore], keys_dir: Path, verified: Path) -> None:
    columns = (
        "log_id, integrated_time, leaf_hash, envelope_sha256, envelope, record_id, key_id, "
        "predicate_type, decision"
    )
    tamper(
        database[0],
        f"INSERT INTO evidence_entry (idx, {columns}) SELECT {SIZE}, {columns} FROM evidence_entry"
        " WHERE idx = 1",
    )
    assert_caught(database[1], keys_dir, verified, SIZE, "duplicate")


def test_truncate_the_log(database: tuple[Path, EvidenceStore], keys_dir: Path, verified: Path) -> None:
    tamper(database[0], "DELETE FROM evidence_entry WHERE idx >= 7")
    assert_caught(database[1], keys_dir, verified, 7, "truncated")


def test_replay_a_record_from_another_log(
    database: tuple[Path, EvidenceStore], keys_dir: Path, signer: Signer, tmp_path: Path, verified: Path
) -> None:
    other = EvidenceStore.open(f"sqlite:///{tmp_path / 'other.db'}", origin="example.com/other-log")
    fill(other, signer, 1)
    foreign = json.dumps(envelope_at(tmp_path / "other.db", 0), separators=(",", ":")).encode()
    rewrite_envelope(database[0], 9, foreign, database[1].origin)
    assert_caught(
        database[1],
        keys_dir,
        verified,
        9,
        "belongs to log 'example.com/other-log'",
        incremental=(9, "Merkle node (1, 4)"),
    )


def test_swap_the_key_and_resign_everything(tmp_path: Path, keys_dir: Path, verified: Path) -> None:
    """A log of the same origin and size, all signed by the attacker's key, put in the genuine one's place."""
    attacker = Signer(Ed25519PrivateKey.generate())
    forged = EvidenceStore.open(f"sqlite:///{tmp_path / 'forged.db'}", origin="example.com/gavel-test-log")
    fill(forged, attacker, SIZE)
    assert_caught(
        forged,
        keys_dir,
        verified,
        0,
        "any key trusted",
        incremental=(0, "no longer match the state verified"),
    )


def test_forge_a_checkpoint(database: tuple[Path, EvidenceStore], keys_dir: Path, verified: Path) -> None:
    from gavel.evidence.checkpoint import Checkpoint

    attacker = Signer(Ed25519PrivateKey.generate())
    note = Checkpoint(database[1].origin, 6, b"\x11" * 32).sign([attacker])
    tamper(
        database[0],
        "DELETE FROM checkpoint WHERE tree_size = 6",
        "INSERT INTO checkpoint VALUES (1, 6, ?, ?, '2026-01-01T00:00:00.000Z')",
        parameters=(b"\x11" * 32, note),
    )
    assert_caught(
        database[1], keys_dir, verified, 5, "not signed by any trusted key", incremental=SECOND_RANGE
    )


def test_edit_a_stored_merkle_node(
    database: tuple[Path, EvidenceStore], keys_dir: Path, verified: Path
) -> None:
    tamper(database[0], "UPDATE merkle_node SET hash = zeroblob(32) WHERE level = 2 AND idx = 1")
    assert_caught(database[1], keys_dir, verified, 7, "Merkle node (2, 1)")


def test_append_only_triggers_refuse_edits(database: tuple[Path, EvidenceStore]) -> None:
    connection = sqlite3.connect(database[0])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute("DELETE FROM evidence_entry WHERE idx = 0")
    connection.close()


# --- the same attacks on an exported bundle ---------------------------------------------------------------


def rewrite_bundle(path: Path, edit: Callable[[dict[str, bytes]], None]) -> None:
    with tarfile.open(path) as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}  # type: ignore[union-attr]
    edit(members)
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def edit_lines(edit: Callable[[list[bytes]], list[bytes]]) -> Callable[[dict[str, bytes]], None]:
    def apply(members: dict[str, bytes]) -> None:
        members["entries.jsonl"] = b"\n".join(edit(members["entries.jsonl"].splitlines())) + b"\n"

    return apply


def flip_envelope(lines: list[bytes]) -> list[bytes]:
    entry = json.loads(lines[4])
    raw = bytearray(base64.b64decode(entry["envelope_b64"]))
    raw[40] ^= 0x01
    entry["envelope_b64"] = base64.b64encode(bytes(raw)).decode()
    return [*lines[:4], json.dumps(entry).encode(), *lines[5:]]


def allow_instead_of_deny(lines: list[bytes]) -> list[bytes]:
    entry = json.loads(lines[1])
    envelope = json.loads(base64.b64decode(entry["envelope_b64"]))
    payload = base64.b64decode(envelope["payload"]).replace(b'"decision":"deny"', b'"decision":"allow"')
    envelope["payload"] = base64.b64encode(payload).decode()
    entry["envelope_b64"] = base64.b64encode(json.dumps(envelope).encode()).decode()
    return [lines[0], json.dumps(entry).encode(), *lines[2:]]


BUNDLE_ATTACKS: dict[str, tuple[Callable[[dict[str, bytes]], None], int, str]] = {
    "edit-field": (edit_lines(allow_instead_of_deny), 1, "signature"),
    "flip-envelope-byte": (edit_lines(flip_envelope), 4, ""),
    "delete-entry": (edit_lines(lambda lines: lines[:3] + lines[4:]), 3, "missing or reordered"),
    "reorder-entries": (
        edit_lines(lambda lines: [*lines[:2], lines[3], lines[2], *lines[4:]]),
        2,
        "missing or reordered",
    ),
    "duplicate-entry": (
        edit_lines(lambda lines: [*lines[:6], lines[5], *lines[6:]]),
        6,
        "missing or reordered",
    ),
    "truncate": (edit_lines(lambda lines: lines[:8]), 8, "entries removed"),
    "forge-checkpoint": (
        lambda m: m.update(checkpoint=Checkpoint_forged(m["checkpoint"])),
        SIZE - 1,
        "not signed",
    ),
}


def Checkpoint_forged(original: bytes) -> bytes:  # noqa: N802
    from gavel.evidence.checkpoint import Checkpoint

    origin = original.decode().split("\n")[0]
    return Checkpoint(origin, SIZE, b"\x22" * 32).sign([Signer(Ed25519PrivateKey.generate())]).encode()


@pytest.mark.parametrize("attack", sorted(BUNDLE_ATTACKS))
def test_bundle_attacks_are_caught_offline(
    attack: str, database: tuple[Path, EvidenceStore], keys_dir: Path, tmp_path: Path
) -> None:
    bundle = export_bundle(database[1], tmp_path / "bundle.tar.gz").path
    assert verify_bundle(bundle, load_trusted_keys(keys_dir)).size == SIZE
    edit, index, reason = BUNDLE_ATTACKS[attack]
    rewrite_bundle(bundle, edit)
    with pytest.raises(TamperError) as caught:
        verify_bundle(bundle, load_trusted_keys(keys_dir))
    assert caught.value.index == index, caught.value.one_line()
    assert reason in caught.value.reason


def test_bundle_replay_from_another_log(
    database: tuple[Path, EvidenceStore], keys_dir: Path, signer: Signer, tmp_path: Path
) -> None:
    other = EvidenceStore.open(f"sqlite:///{tmp_path / 'other.db'}", origin="example.com/other-log")
    fill(other, signer, 3)
    foreign = export_bundle(other, tmp_path / "other.tar.gz").path
    with tarfile.open(foreign) as archive:
        foreign_line = archive.extractfile("entries.jsonl").read().splitlines()[2]  # type: ignore[union-attr]
    bundle = export_bundle(database[1], tmp_path / "bundle.tar.gz").path
    rewrite_bundle(bundle, edit_lines(lambda lines: [*lines[:2], foreign_line, *lines[3:]]))
    with pytest.raises(TamperError, match=r"index 2: record belongs to log 'example\.com/other-log'"):
        verify_bundle(bundle, load_trusted_keys(keys_dir))


def test_bundle_with_swapped_trust_is_rejected(database: tuple[Path, EvidenceStore], tmp_path: Path) -> None:
    from gavel.evidence.keys import generate_key

    bundle = export_bundle(database[1], tmp_path / "bundle.tar.gz").path
    generate_key(tmp_path / "someone-else")
    with pytest.raises(TamperError) as caught:
        verify_bundle(bundle, load_trusted_keys(tmp_path / "someone-else"))
    assert caught.value.index == 0
