"""`gavel attest`: a named person's signed, expiring statement recorded in the real evidence log,
verified and exported like every other record, and refused for requirements it cannot serve."""

from __future__ import annotations

import base64
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gavel.cli import cli
from gavel.evidence.attestations import requirement_digest
from gavel.evidence.canonical import strict_loads
from gavel.evidence.dsse import Envelope, verified_key_ids
from gavel.evidence.keys import load_trusted_keys
from gavel.evidence.statement import ATTESTATION_PREDICATE
from gavel.evidence.store import EvidenceStore

FUTURE = (datetime.now(UTC).date() + timedelta(days=400)).isoformat()
JANE = "Jane Doe <jane.doe@example.com>"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GAVEL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GAVEL_EVIDENCE", raising=False)
    return tmp_path / "home"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def attest(requirement: str = "Art. 35(7)", *extra: str, expires: str = FUTURE) -> Result:
    return run(
        "attest", requirement, "--framework", "GDPR", "--by", JANE,
        "--statement", "DPIA reviewed", "--expires", expires, *extra,
    )  # fmt: skip


def test_attestation_is_signed_recorded_and_listed(home: Path) -> None:
    result = attest("Art. 35(7)", "--evidence-ref", "https://wiki.example.com/dpia/churn-model")
    assert result.exit_code == 0, result.output
    assert (
        f"recorded attestation of GDPR Art. 35(7) by {JANE}, valid until {FUTURE}: log index 0"
        in result.output
    )

    with EvidenceStore.open(f"sqlite:///{home / 'evidence.db'}") as store, store.snapshot() as connection:
        row = next(store.entry_rows(connection))
    assert row.predicate_type == ATTESTATION_PREDICATE and row.decision is None
    envelope = Envelope.from_bytes(bytes(row.envelope))
    assert verified_key_ids(envelope, load_trusted_keys(home / "keys"))
    statement = strict_loads(envelope.payload)
    assert statement["predicateType"] == ATTESTATION_PREDICATE
    title = "Data protection impact assessment - content (description, necessity, risks, measures) reviewed"
    assert statement["subject"] == [
        {"name": "GDPR Art. 35(7)", "digest": {"sha256": requirement_digest("GDPR", "Art. 35(7)", title)}}
    ]
    predicate = statement["predicate"]
    assert predicate["attestedBy"] == JANE and predicate["statement"] == "DPIA reviewed"
    assert predicate["expires"] == FUTURE
    assert predicate["evidenceRef"] == "https://wiki.example.com/dpia/churn-model"

    listed = json.loads(run("attest", "list", "--format", "json").output)
    assert [(a["framework"], a["requirement"], a["by"], a["valid"]) for a in listed] == [
        ("GDPR", "Art. 35(7)", JANE, True)
    ]
    assert listed[0]["record_digest"] == f"sha256:{row.envelope_sha256}"
    text = run("attest", "list").output
    assert "GDPR Art. 35(7)  valid until" in text and text.rstrip().endswith("1 attestations")
    assert run("attest", "list", "--framework", "DSA").output.rstrip().endswith("0 attestations")


def test_options_may_come_before_the_requirement(home: Path) -> None:
    result = run(
        "attest", "--framework", "EU-AI-ACT", "--by", JANE, "--statement", "FRIA signed off",
        "--expires", FUTURE, "Art. 27",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "EU-AI-ACT Art. 27" in result.output


def test_attestations_verify_and_export_beside_decisions(home: Path, tmp_path: Path) -> None:
    assert attest().exit_code == 0
    assert attest("Art. 30").exit_code == 0
    verified = run("evidence", "verify", "--format", "json")
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.output)["size"] == 2
    bundle = tmp_path / "evidence.tar.gz"
    assert run("evidence", "export", "--out", str(bundle)).exit_code == 0
    offline = run("evidence", "verify-bundle", str(bundle), "--trusted-keys", str(home / "keys"))
    assert offline.exit_code == 0, offline.output
    assert "verified 2 entries" in offline.output


def test_a_tampered_attestation_fails_verification(home: Path) -> None:
    assert attest().exit_code == 0
    database = sqlite3.connect(home / "evidence.db")
    envelope = json.loads(database.execute("SELECT envelope FROM evidence_entry").fetchone()[0])
    statement = json.loads(base64.b64decode(envelope["payload"]))
    statement["predicate"]["expires"] = "2099-12-31"
    envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    for (trigger,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        database.execute(f"DROP TRIGGER {trigger}")
    database.execute("UPDATE evidence_entry SET envelope = ?", (json.dumps(envelope).encode(),))
    database.commit()
    database.close()
    result = CliRunner().invoke(cli, ["evidence", "verify"])
    assert result.exit_code == 5
    assert "entry 0" in result.output or "index 0" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Art. 99",), "GDPR has no requirement 'Art. 99'"),
        (("Art. 32(1)(a)",), "GDPR Art. 32(1)(a) is automated, not for attestation"),
        (("Art. 28",), "GDPR Art. 28 is out-of-scope, not for attestation"),
    ],
)
def test_only_attestation_requirements_can_be_attested(
    home: Path, args: tuple[str, ...], message: str
) -> None:
    result = CliRunner().invoke(cli, ["attest", *args, "--framework", "GDPR", "--by", JANE,
                                      "--statement", "x", "--expires", FUTURE])  # fmt: skip
    assert result.exit_code == 2
    assert message in result.output
    assert not (home / "evidence.db").exists()


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--by", "Jane Doe", "--by 'Jane Doe' must read 'Name <email>'"),
        ("--expires", "2020-01-01", "--expires 2020-01-01 is not in the future"),
        ("--expires", "next june", "--expires 'next june' is not a date"),
        ("--evidence-ref", "the wiki", "--evidence-ref 'the wiki' is not a URL"),
    ],
)
def test_bad_values_are_usage_errors(home: Path, flag: str, value: str, message: str) -> None:
    values = {"--by": JANE, "--expires": FUTURE, flag: value}
    args = ["attest", "Art. 35(7)", "--framework", "GDPR", "--statement", "DPIA reviewed"]
    for name, given in values.items():
        args += [name, given]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.output


def test_expiry_today_is_refused_and_tomorrow_accepted(home: Path) -> None:
    today = datetime.now(UTC).date()
    assert attest(expires=today.isoformat()).exit_code == 2
    assert attest(expires=(today + timedelta(days=1)).isoformat()).exit_code == 0
    listed = json.loads(run("attest", "list", "--format", "json").output)
    assert date.fromisoformat(listed[0]["expires"]) == today + timedelta(days=1)
