"""`gavel report` and `gavel evidence verify-report` end to end, over a store `gavel check` filled."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gavel.cli import cli

GUESTBOOK = "adapters/kubernetes/kubernetes-examples/web/guestbook/frontend-deployment.yaml"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAVEL_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def policies(data_dir: Path) -> list[str]:
    return [
        "--policies",
        str(data_dir / "engine" / "policies"),
        "--policies",
        str(data_dir / "admission" / "policies"),
    ]


@pytest.fixture
def checked(policies: list[str], sse_plan: Path, data_dir: Path) -> list[str]:
    """Two real `gavel check` runs recorded in the default store; returns the policy options."""
    assert run("check", str(sse_plan), *policies).exit_code == 1
    assert run("check", str(data_dir / GUESTBOOK), *policies).exit_code == 0
    return policies


def test_report_writes_every_format_and_records_itself(checked: list[str], tmp_path: Path) -> None:
    formats = [arg for name in ("html", "md", "oscal", "policyreport", "json") for arg in ("--format", name)]
    result = run("report", *checked, *formats, "--out", "out")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        "audit-report.html",
        "audit-report.json",
        "audit-report.md",
        "audit-report.oscal.json",
        "audit-report.policyreport.yaml",
    ]
    assert "report recorded as evidence #2" in result.stderr
    document = json.loads((tmp_path / "out" / "audit-report.json").read_text())
    assert document["totals"]["decisions"] == 2 and document["integrity"]["entries"] == 2
    log = run("evidence", "log")
    assert "audit-report" in log.output
    verify = run("evidence", "verify")
    assert verify.exit_code == 0 and "verified 3 entries" in verify.output
    for name in names:
        checked_file = run("evidence", "verify-report", f"out/{name}")
        assert checked_file.exit_code == 0, checked_file.output
        assert f"recorded as {name} at evidence #2" in checked_file.output


def test_a_changed_report_file_fails_verify_report(checked: list[str], tmp_path: Path) -> None:
    assert run("report", *checked, "--format", "md", "--out", "out").exit_code == 0
    report = tmp_path / "out" / "audit-report.md"
    report.write_text(report.read_text().replace("Pass rate", "Pass-rate"))
    result = run("evidence", "verify-report", str(report))
    assert result.exit_code == 5
    assert "is not a report recorded in evidence log" in result.stderr
    assert run("evidence", "verify-report", "missing.html").exit_code == 4


def test_a_tampered_store_still_gets_a_report_that_says_so_and_exits_5(
    checked: list[str], tmp_path: Path
) -> None:
    database = tmp_path / "home" / "evidence.db"
    with sqlite3.connect(database) as connection:
        connection.execute("DROP TRIGGER evidence_entry_no_update")
        connection.execute("UPDATE evidence_entry SET decision = 'deny' WHERE idx = 1")
    result = run("report", *checked, "--format", "html", "--out", "out")
    assert result.exit_code == 5
    assert "failed verification" in result.stderr and "index 1" in result.stderr
    html = (tmp_path / "out" / "audit-report.html").read_text()
    assert 'class="alert bad"' in html and "FAILED verification" in html
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM evidence_entry").fetchone() == (2,)


def test_period_and_framework_options(checked: list[str], tmp_path: Path) -> None:
    result = run(
        "report",
        *checked,
        "--framework",
        "nist-800-53",
        "--since",
        "2020-01-01",
        "--until",
        "2020-12-31",
        "--format",
        "json",
        "--out",
        "out",
        "--no-evidence",
    )
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "out" / "audit-report.json").read_text())
    assert [f["name"] for f in document["frameworks"]] == ["NIST-800-53"]
    assert (
        document["since"] == "2020-01-01T00:00:00+00:00" and document["until"] == "2021-01-01T00:00:00+00:00"
    )
    assert document["totals"]["decisions"] == 0
    assert "recorded as evidence" not in result.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--framework", "HIPAA"], "unknown framework 'HIPAA'"),
        (["--framework", "DSA"], "no loaded policy maps to framework DSA"),
        (["--since", "2026-03-01", "--until", "2026-01-31"], "is not before --until"),
        (["--since", "yesterday"], "--since 'yesterday' is not an ISO 8601 date"),
    ],
)
def test_bad_options_are_usage_errors(checked: list[str], arguments: list[str], message: str) -> None:
    result = run("report", *checked, *arguments)
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_empty_store_gives_an_empty_report(policies: list[str], tmp_path: Path) -> None:
    run("keys", "generate")
    result = run("report", *policies, "--format", "md", "--out", "out")
    assert result.exit_code == 0, result.output
    assert "No decisions were recorded in this period" in (tmp_path / "out" / "audit-report.md").read_text()


def test_a_second_report_verifies_only_what_is_new_and_says_so(
    checked: list[str], policies: list[str], sse_plan: Path, tmp_path: Path
) -> None:
    assert run("report", *checked, "--format", "md", "--out", "first").exit_code == 0
    first = (tmp_path / "first" / "audit-report.md").read_text()
    assert "2 records fully verified (no earlier verification on this machine)" in first
    assert list((tmp_path / "home" / "verified").glob("*.json"))
    assert run("check", str(sse_plan), *policies).exit_code == 1
    assert run("report", *checked, "--format", "md", "--out", "second").exit_code == 0
    second = (tmp_path / "second" / "audit-report.md").read_text()
    assert "4 records: Merkle root recomputed over all" in second
    assert "checked for the 2 new since checkpoint 2" in second
    assert run("report", *checked, "--full-verify", "--format", "md", "--out", "third").exit_code == 0
    assert "5 records fully verified (--full-verify)" in (tmp_path / "third" / "audit-report.md").read_text()


@pytest.mark.parametrize("verified_before", [False, True])
def test_a_forged_report_index_row_fails_the_report_with_exit_5(
    checked: list[str], tmp_path: Path, verified_before: bool
) -> None:
    """The aggregation trusts the index, so verification compares it with the signed statements."""
    if verified_before:
        assert run("report", *checked, "--format", "md", "--out", "before", "--no-evidence").exit_code == 0
    database = tmp_path / "home" / "evidence.db"
    with sqlite3.connect(database) as connection:
        connection.execute("DROP TRIGGER index_result_no_update")
        connection.execute("UPDATE index_result SET blocking = 0, outcome = 'warning' WHERE idx = 0")
    result = run("report", *checked, "--format", "md", "--out", "out")
    assert result.exit_code == 5
    assert "failed verification (index 0:" in result.stderr
    markdown = (tmp_path / "out" / "audit-report.md").read_text()
    assert "FAILED verification" in markdown
    verify = run("evidence", "verify")
    assert verify.exit_code == 5 and "index 0" in verify.stderr
