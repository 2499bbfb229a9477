"""Store behaviour on real SQLite and PostgreSQL: receipts, retries, keys, rotation, schema, export."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gavel.evidence.errors import RecordingError, StoreUnavailableError, TamperError
from gavel.evidence.export import export_bundle
from gavel.evidence.keys import Signer, load_trusted_keys, write_key
from gavel.evidence.offline import verify_bundle
from gavel.evidence.records import decision_record
from gavel.evidence.store import EvidenceStore
from gavel.evidence.store_verify import verify_store

from .conftest import SUBJECTS, make_decision


def test_record_decision_returns_durable_receipts_and_signed_content(
    store_url: str, signer: Signer, keys_dir: Path
) -> None:
    with EvidenceStore.open(store_url) as store:
        receipts = [
            store.record_decision(
                make_decision(),
                signer=signer,
                subject_digests=SUBJECTS,
                context={"command": "check"},
                environment={"GITHUB_SHA": "abc123", "HOME": "/root", "CI": "true"},
            )
            for _ in range(3)
        ]
        assert [r.log_index for r in receipts] == [0, 1, 2]
    with EvidenceStore.open(store_url) as reopened, reopened.snapshot() as connection:
        row = next(reopened.entry_rows(connection, 1, 2))
        assert f"sha256:{row.envelope_sha256}" == receipts[1].record_digest
        from gavel.commands.evidence import _statement

        statement = _statement(bytes(row.envelope))
        predicate = statement["predicate"]
        assert statement["predicateType"] == "https://gavel.dev/attestations/policy-decision/v1"
        assert statement["subject"] == [
            {"name": "tfplan.public-bucket.json", "digest": {"sha256": "cd" * 32}}
        ]
        assert predicate["ci"] == {"CI": "true", "GITHUB_SHA": "abc123"}
        assert predicate["policy"]["digest"] == {"sha256": "ab" * 32}
        assert predicate["waiversApplied"][0]["id"] == "W-7"
        assert {r["id"]: r["outcome"] for r in predicate["resources"]} == {
            "aws_s3_bucket.training_data": "fail",
            "Pod/ml/trainer": "waived",
        }
        assert predicate["risk"] == "7.5"
    assert verify_store(reopened, load_trusted_keys(keys_dir), full=True).report.size == 3


def test_retrying_the_same_envelope_returns_the_original_index(sqlite_url: str, signer: Signer) -> None:
    with EvidenceStore.open(sqlite_url) as store:
        record = decision_record(
            make_decision(),
            signer=signer,
            origin=store.origin,
            subject_digests=SUBJECTS,
            context={},
            environment={},
        )
        first = store.append([record], signer)
        store.record_decision(make_decision(), signer=signer, subject_digests=SUBJECTS, context={})
        again = store.append([record, record], signer)
        assert again == first * 2
        with store.snapshot() as connection:
            assert store.state(connection).tree_size == 2


def test_a_key_that_is_not_the_logs_active_key_is_refused(sqlite_url: str, signer: Signer) -> None:
    with EvidenceStore.open(sqlite_url) as store:
        store.record_decision(make_decision(), signer=signer, subject_digests=SUBJECTS, context={})
        stranger = Signer(Ed25519PrivateKey.generate())
        with pytest.raises(RecordingError, match="not this log's active key") as caught:
            store.record_decision(make_decision(), signer=stranger, subject_digests=SUBJECTS, context={})
        assert caught.value.exit_code == 5


def test_floats_in_context_are_refused_before_anything_is_written(sqlite_url: str, signer: Signer) -> None:
    with EvidenceStore.open(sqlite_url) as store:
        with pytest.raises(RecordingError, match="floats"):
            store.record_decision(
                make_decision(), signer=signer, subject_digests=SUBJECTS, context={"ratio": 0.5}
            )
        with store.snapshot() as connection:
            assert store.state(connection).tree_size == 0


def test_rotation_is_signed_by_both_keys_and_followed_from_the_original_key(
    store_url: str, signer: Signer, keys_dir: Path, tmp_path: Path
) -> None:
    original_only = tmp_path / "original.pem"
    original_only.write_bytes((keys_dir / f"{signer.key_id}.pub").read_bytes())
    new = write_key(keys_dir, Ed25519PrivateKey.generate())
    with EvidenceStore.open(store_url) as store:
        store.record_decision(make_decision(), signer=signer, subject_digests=SUBJECTS, context={})
        assert store.rotate(signer, new).log_index == 1
        store.record_decision(make_decision(), signer=new, subject_digests=SUBJECTS, context={})
        with pytest.raises(RecordingError):
            store.record_decision(make_decision(), signer=signer, subject_digests=SUBJECTS, context={})
        report = verify_store(store, load_trusted_keys(original_only), full=True).report
        assert report.size == 3
        assert report.signing_keys == {signer.key_id: 2, new.key_id: 2}
        bundle = export_bundle(store, tmp_path / "bundle.tar.gz").path
        assert verify_bundle(bundle, load_trusted_keys(original_only)).size == 3


def test_old_key_signing_after_its_rotation_is_rejected(
    sqlite_url: str, signer: Signer, keys_dir: Path
) -> None:
    new = write_key(keys_dir, Ed25519PrivateKey.generate())
    with EvidenceStore.open(sqlite_url) as store:
        store.rotate(signer, new)
        stale = decision_record(
            make_decision(),
            signer=signer,
            origin=store.origin,
            subject_digests=SUBJECTS,
            context={},
            environment={},
        )
        store.append([stale], new)
        with pytest.raises(TamperError, match="index 1: envelope signature does not verify"):
            verify_store(store, load_trusted_keys(keys_dir), full=True)


def test_partial_export_proves_its_range_against_the_whole_tree(
    sqlite_url: str, signer: Signer, keys_dir: Path, tmp_path: Path
) -> None:
    with EvidenceStore.open(sqlite_url) as store:
        for _ in range(5):
            store.record_decision(make_decision(), signer=signer, subject_digests=SUBJECTS, context={})
        # Integrated times have millisecond resolution: split at the next millisecond boundary
        # and let the clock pass it, so the fifth record is before the split and the sixth after.
        fifth = datetime.now(UTC)
        middle = fifth.replace(microsecond=fifth.microsecond // 1000 * 1000) + timedelta(milliseconds=1)
        while datetime.now(UTC) < middle:
            time.sleep(0.0002)
        for _ in range(6):
            store.record_decision(make_decision(), signer=signer, subject_digests=SUBJECTS, context={})
        summary = export_bundle(store, tmp_path / "later.tar.gz", since=middle)
        assert (summary.begin, summary.end, summary.tree_size) == (5, 11, 11)
        assert verify_bundle(summary.path, load_trusted_keys(keys_dir)).size == 11
        early = export_bundle(store, tmp_path / "early.tar.gz", until=middle)
        assert (early.begin, early.end) == (0, 5)
        assert verify_bundle(early.path, load_trusted_keys(keys_dir)).size == 5
        from gavel.engine.errors import UsageError

        with pytest.raises(UsageError, match="nothing to export"):
            export_bundle(store, tmp_path / "none.tar.gz", since=middle + timedelta(days=1))


def test_newer_schema_is_refused_and_left_untouched(sqlite_url: str, tmp_path: Path) -> None:
    EvidenceStore.open(sqlite_url).close()
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE gavel_schema_version SET version = 99")
    with pytest.raises(StoreUnavailableError, match="schema version 99 is newer") as caught:
        EvidenceStore.open(sqlite_url)
    assert caught.value.exit_code == 3
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version FROM gavel_schema_version").fetchone() == (99,)


def test_unreachable_postgresql_is_a_configuration_error() -> None:
    with pytest.raises(StoreUnavailableError, match="cannot open evidence store") as caught:
        EvidenceStore.open("postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=2")
    assert caught.value.exit_code == 3
    assert "\n" not in caught.value.one_line()


def test_unsupported_url_scheme() -> None:
    with pytest.raises(StoreUnavailableError, match="unsupported evidence store"):
        EvidenceStore.open("mysql://localhost/db")


def test_offline_verifier_needs_no_database_or_network(
    sqlite_url: str, signer: Signer, keys_dir: Path, tmp_path: Path
) -> None:
    with EvidenceStore.open(sqlite_url) as store:
        for _ in range(3):
            store.record_decision(make_decision(), signer=signer, subject_digests=SUBJECTS, context={})
        bundle = export_bundle(store, tmp_path / "bundle.tar.gz").path
    script = textwrap.dedent(f"""
        import socket, sys
        sys.modules["sqlalchemy"] = None
        sys.modules["sqlmodel"] = None
        sys.modules["psycopg"] = None
        def refuse(*args, **kwargs):
            raise RuntimeError("network used")
        socket.socket = refuse
        socket.create_connection = refuse
        from pathlib import Path
        from gavel.evidence.keys import load_trusted_keys
        from gavel.evidence.offline import verify_bundle
        print(verify_bundle(Path({str(bundle)!r}), load_trusted_keys(Path({str(keys_dir)!r}))).size)
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, env={**os.environ}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3"
