"""The `keys` and `evidence` click groups, driven through CliRunner on a real SQLite store."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gavel.commands.evidence import command as evidence
from gavel.commands.keys import command as keys
from gavel.engine.errors import GavelError
from gavel.evidence.errors import KeyFileError
from gavel.evidence.keys import load_or_create_signer, load_signer
from gavel.evidence.store import EvidenceStore

from .conftest import SUBJECTS, make_decision


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GAVEL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GAVEL_EVIDENCE", raising=False)
    return tmp_path / "home"


def run(group: object, *args: str) -> Result:
    return CliRunner().invoke(group, list(args), catch_exceptions=True)  # type: ignore[arg-type]


def fail(group: object, *args: str) -> GavelError:
    result = run(group, *args)
    assert isinstance(result.exception, GavelError), result.output
    return result.exception


def record(home: Path, count: int) -> None:
    signer = load_signer(home / "keys")
    with EvidenceStore.open(f"sqlite:///{home / 'evidence.db'}") as store:
        for n in range(count):
            store.record_decision(
                make_decision(passed=n == 1, resource_id=f"aws_s3_bucket.b{n}"),
                signer=signer,
                subject_digests=SUBJECTS,
                context={},
            )


def test_keys_generate_show_and_refuse_a_second_generate(home: Path) -> None:
    result = run(keys, "generate")
    assert result.exit_code == 0, result.output
    key_id = (home / "keys" / "active").read_text().strip()
    assert key_id in result.output
    assert stat.S_IMODE((home / "keys" / f"{key_id}.key").stat().st_mode) == 0o600
    assert f"* {key_id}" in run(keys, "show").output
    assert "BEGIN PUBLIC KEY" in run(keys, "show", "--pem").output
    assert fail(keys, "generate").exit_code == 2


def test_evidence_log_show_verify_export_and_verify_bundle(home: Path, tmp_path: Path) -> None:
    run(keys, "generate")
    record(home, 3)
    listed = json.loads(run(evidence, "log", "--format", "json").output)
    assert [item["index"] for item in listed] == [0, 1, 2]
    assert [
        i["index"] for i in json.loads(run(evidence, "log", "--decision", "allow", "--format", "json").output)
    ] == [1]
    by_resource = run(evidence, "log", "--resource", "aws_s3_bucket.b2", "--format", "json").output
    assert [item["index"] for item in json.loads(by_resource)] == [2]
    assert json.loads(run(evidence, "log", "--policy", "no-such-policy", "--format", "json").output) == []
    assert json.loads(run(evidence, "log", "--since", "2999-01-01", "--format", "json").output) == []
    shown = json.loads(run(evidence, "show", "1").output)
    assert shown["statement"]["predicate"]["decision"] == "allow"
    assert "verified 3 entries" in run(evidence, "verify").output
    pem = tmp_path / "trusted.pem"
    pem.write_text(run(keys, "show", "--pem").output)
    out = tmp_path / "audit" / "bundle.tar.gz"
    assert run(evidence, "export", "--out", str(out)).exit_code == 0
    verified = run(evidence, "verify-bundle", str(out), "--trusted-keys", str(pem), "--format", "json")
    assert json.loads(verified.output)["size"] == 3


def test_rotate_records_the_hand_over(home: Path) -> None:
    run(keys, "generate")
    record(home, 1)
    result = run(keys, "rotate")
    assert "recorded at log index 1" in result.output, result.output
    record(home, 1)
    assert "verified 3 entries" in run(evidence, "verify").output


def test_tampered_store_fails_verify_with_exit_5_naming_the_index(home: Path) -> None:
    run(keys, "generate")
    record(home, 3)
    with sqlite3.connect(home / "evidence.db") as connection:
        connection.execute("DROP TRIGGER evidence_entry_no_update")
        connection.execute("UPDATE evidence_entry SET decision = 'allow' WHERE idx = 2")
    error = fail(evidence, "verify")
    assert error.exit_code == 5
    assert error.one_line().startswith("index 2:")


def test_bad_inputs_give_one_line_and_distinct_exit_codes(home: Path, tmp_path: Path) -> None:
    run(keys, "generate")
    record(home, 1)
    not_a_bundle = tmp_path / "bundle.tar.gz"
    not_a_bundle.write_bytes(b"this is not a tarball")
    wrong_keys = tmp_path / "keys.pem"
    wrong_keys.write_text("not a key\n")
    pem = tmp_path / "trusted.pem"
    pem.write_text(run(keys, "show", "--pem").output)
    bundle_error = fail(evidence, "verify-bundle", str(not_a_bundle), "--trusted-keys", str(pem))
    key_error = fail(evidence, "verify-bundle", str(not_a_bundle), "--trusted-keys", str(wrong_keys))
    store_error = fail(
        evidence, "verify", "--evidence", "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2"
    )
    assert (bundle_error.exit_code, key_error.exit_code, store_error.exit_code) == (4, 4, 3)
    assert str(not_a_bundle) in bundle_error.one_line()
    assert str(wrong_keys) in key_error.one_line()
    assert all("\n" not in e.one_line() for e in (bundle_error, key_error, store_error))
    assert "verified 1 entries" in run(evidence, "verify").output


def test_a_keys_folder_where_no_key_can_be_made_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the keys folder should be\n")
    with pytest.raises(
        KeyFileError, match=r"not-a-folder/keys: no active signing key and none can be created"
    ):
        load_or_create_signer(blocker / "keys")
