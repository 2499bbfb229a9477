"""Range-parallel and incremental store verification (evidence/store_verify.py): a saved verified
state lets a later run check only new entries in full, and an old row edited in between is still
caught. Small ranges (`range_level=2`, four entries) make a ten-entry log span several ranges."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from gavel.evidence.errors import TamperError
from gavel.evidence.keys import Signer, generate_key, load_trusted_keys
from gavel.evidence.store import EvidenceStore
from gavel.evidence.store_verify import StoreVerification, verify_store
from gavel.evidence.verified_state import load_state, state_path

from . import test_tamper
from .test_tamper import SIZE, envelope_at, fill, rewrite_envelope, tamper

LEVEL = 2
database = test_tamper.database  # the ten-entry SQLite log the tamper suite attacks


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "home" / "verified"


def run(store: EvidenceStore, keys_dir: Path, state_dir: Path, **options: object) -> StoreVerification:
    return verify_store(
        store,
        load_trusted_keys(keys_dir),
        state_dir=state_dir,
        range_level=LEVEL,
        **options,  # type: ignore[arg-type]
    )


def checkpoint_wal(path: Path) -> None:
    """Move every committed page into the database file, so copying that file copies the log."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def caught(store: EvidenceStore, keys_dir: Path, state_dir: Path) -> TamperError:
    with pytest.raises(TamperError) as error:
        run(store, keys_dir, state_dir)
    return error.value


def test_an_incremental_run_reports_what_a_fresh_full_run_does(
    store_url: str, signer: Signer, keys_dir: Path, state_dir: Path
) -> None:
    with EvidenceStore.open(store_url, origin="example.com/incremental") as store:
        fill(store, signer)
        first = run(store, keys_dir, state_dir, pool_from=1)
        assert first.full and "10 records fully verified" in first.scope
        fill(store, signer, 5)
        second = run(store, keys_dir, state_dir)
        expected = verify_store(store, load_trusted_keys(keys_dir), full=True).report
    assert not second.full and second.new_entries == 5
    assert (
        "Merkle root recomputed over all" in second.scope
        and "for the 5 new since checkpoint 10" in second.scope
    )
    assert second.report.to_document() == expected.to_document()
    saved = load_state(state_dir, store.origin)
    assert saved is not None and saved.size == 15 and saved.root == expected.root


def test_full_verify_ignores_the_saved_state(
    database: tuple[Path, EvidenceStore], keys_dir: Path, state_dir: Path
) -> None:
    run(database[1], keys_dir, state_dir)
    again = run(database[1], keys_dir, state_dir, full=True)
    assert again.full and "--full-verify" in again.scope


@pytest.mark.parametrize(
    ("statement", "index", "reason"),
    [
        (
            "UPDATE evidence_entry SET decision = 'allow' WHERE idx = 5",
            4,
            "no longer match the state verified",
        ),
        ("UPDATE index_result SET blocking = 0 WHERE idx = 1", 0, "no longer match the state verified"),
        ("DELETE FROM index_entry WHERE idx = 9", 8, "no longer match the state verified"),
        ("UPDATE merkle_node SET hash = zeroblob(32) WHERE level = 1 AND idx = 2", 5, "Merkle node (1, 2)"),
        (
            "UPDATE checkpoint SET signed_at = '2020-01-01T00:00:00.000Z' WHERE tree_size = 6",
            4,
            "no longer match",
        ),
    ],
)
def test_an_old_row_changed_after_it_was_verified_is_caught(
    database: tuple[Path, EvidenceStore],
    keys_dir: Path,
    state_dir: Path,
    signer: Signer,
    statement: str,
    index: int,
    reason: str,
) -> None:
    path, store = database
    run(store, keys_dir, state_dir)
    fill(store, signer, 2)
    tamper(path, statement)
    error = caught(store, keys_dir, state_dir)
    assert (error.index, error.exit_code) == (index, 5), error.one_line()
    assert reason in error.reason


def test_an_old_envelope_rewritten_with_a_consistent_leaf_breaks_the_tree(
    database: tuple[Path, EvidenceStore], keys_dir: Path, state_dir: Path
) -> None:
    """Signatures of old entries are not checked again, so the edit must show up as hashes."""
    path, store = database
    run(store, keys_dir, state_dir)
    envelope = envelope_at(path, 2)
    envelope["payloadType"] = "application/json"
    rewrite_envelope(path, 2, json.dumps(envelope).encode(), store.origin)
    error = caught(store, keys_dir, state_dir)
    assert error.index == 3 and "Merkle node (1, 1)" in error.reason


def test_a_rolled_back_store_is_caught(
    database: tuple[Path, EvidenceStore], keys_dir: Path, state_dir: Path, signer: Signer
) -> None:
    path, store = database
    checkpoint_wal(path)
    backup = path.read_bytes()
    fill(store, signer, 3)
    run(store, keys_dir, state_dir)
    store.close()
    checkpoint_wal(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(backup)
    with EvidenceStore.open(f"sqlite:///{path}") as restored:
        error = caught(restored, keys_dir, state_dir)
    assert error.index == SIZE and "13 were verified" in error.reason and "rolled back" in error.reason


def test_a_new_index_row_forged_is_caught_against_its_statement(
    database: tuple[Path, EvidenceStore], keys_dir: Path, state_dir: Path, signer: Signer
) -> None:
    path, store = database
    run(store, keys_dir, state_dir)
    fill(store, signer, 2)
    tamper(path, f"UPDATE index_kind SET resources = 100 WHERE idx = {SIZE + 1}")
    error = caught(store, keys_dir, state_dir)
    assert error.index == SIZE + 1 and "report index rows in index_kind differ" in error.reason


def test_a_forged_bundle_policy_list_is_caught(
    database: tuple[Path, EvidenceStore], keys_dir: Path, state_dir: Path
) -> None:
    tamper(database[0], "DELETE FROM index_bundle_policy WHERE policy_id = 'gdpr-residency'")
    error = caught(database[1], keys_dir, state_dir)
    assert error.index == 0 and "policy list of bundle" in error.reason


def test_a_changed_trust_root_forces_a_full_verification(
    database: tuple[Path, EvidenceStore], keys_dir: Path, state_dir: Path, tmp_path: Path
) -> None:
    store = database[1]
    run(store, keys_dir, state_dir)
    other = tmp_path / "other-keys"
    generate_key(other)
    both = tmp_path / "both.pem"
    both.write_bytes(b"".join(p.read_bytes() for p in [*keys_dir.glob("*.pub"), *other.glob("*.pub")]))
    assert not verify_store(store, load_trusted_keys(both), state_dir=state_dir, range_level=LEVEL).full
    fresh = verify_store(store, load_trusted_keys(keys_dir), state_dir=state_dir, range_level=LEVEL)
    assert fresh.full and "trusted keys changed" in fresh.scope


def test_entries_signed_after_a_key_rotation_verify_incrementally(
    database: tuple[Path, EvidenceStore], keys_dir: Path, state_dir: Path, signer: Signer, tmp_path: Path
) -> None:
    store = database[1]
    run(store, keys_dir, state_dir)
    new = generate_key(tmp_path / "new-keys")
    store.rotate(signer, new)
    fill(store, new, 6)
    trusted_only_old = keys_dir
    result = run(store, trusted_only_old, state_dir)
    assert not result.full and result.report.size == SIZE + 7
    assert result.report.signing_keys == {signer.key_id: SIZE + 1, new.key_id: 7}
    full = run(store, trusted_only_old, state_dir, full=True, pool_from=1)
    assert full.report.to_document() == result.report.to_document()


def test_the_state_file_is_private(
    database: tuple[Path, EvidenceStore], keys_dir: Path, state_dir: Path
) -> None:
    run(database[1], keys_dir, state_dir)
    assert state_path(state_dir, database[1].origin).stat().st_mode & 0o777 == 0o600


def test_an_unchanged_copy_verifies_from_the_saved_state_without_new_entries(
    database: tuple[Path, EvidenceStore], keys_dir: Path, state_dir: Path
) -> None:
    run(database[1], keys_dir, state_dir)
    again = run(database[1], keys_dir, state_dir)
    assert not again.full and again.new_entries == 0 and again.report.checkpoints == 4
    assert "no entry is new since checkpoint 10" in again.scope
    connection = sqlite3.connect(database[0])
    assert connection.execute("SELECT count(*) FROM evidence_entry").fetchone() == (SIZE,)
    connection.close()


def test_a_new_entry_replaying_an_old_one_is_caught(
    database: tuple[Path, EvidenceStore], keys_dir: Path, state_dir: Path
) -> None:
    path, store = database
    run(store, keys_dir, state_dir)
    columns = (
        "log_id, integrated_time, leaf_hash, envelope_sha256, envelope, record_id, key_id, "
        "predicate_type, decision"
    )
    tamper(
        path,
        f"INSERT INTO evidence_entry (idx, {columns}) "
        f"SELECT {SIZE}, {columns} FROM evidence_entry WHERE idx = 1",
    )
    error = caught(store, keys_dir, state_dir)
    assert error.index == SIZE and "duplicate" in error.reason


def test_a_state_saved_with_other_ranges_is_not_compared_but_redone(
    database: tuple[Path, EvidenceStore], keys_dir: Path, state_dir: Path
) -> None:
    run(database[1], keys_dir, state_dir)
    other = verify_store(database[1], load_trusted_keys(keys_dir), state_dir=state_dir, range_level=3)
    assert other.full and "other ranges or digests" in other.scope


def test_a_state_that_cannot_be_written_leaves_the_last_one_and_no_temporary_file(
    store_url: str, signer: Signer, keys_dir: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with EvidenceStore.open(store_url, origin="example.com/full-disk") as store:
        fill(store, signer)
        run(store, keys_dir, state_dir)
        before = state_path(state_dir, store.origin).read_bytes()
        fill(store, signer, 3)

        def disk_full(*args: object, **kwargs: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(json, "dump", disk_full)
        with pytest.raises(OSError, match="No space left"):
            run(store, keys_dir, state_dir)
    assert state_path(state_dir, store.origin).read_bytes() == before
    assert sorted(p.name for p in state_dir.iterdir()) == [state_path(state_dir, store.origin).name]
