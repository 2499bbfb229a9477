"""`gavel policy coverage` and `policy list --framework`: requirements met by policies or by unexpired
attestations read from a real evidence store, and the mapping's problems shown beside them."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gavel.cli import cli
from gavel.engine.coverage import Attestation
from gavel.evidence.attestations import record_attestation
from gavel.evidence.keys import load_or_create_signer
from gavel.evidence.store import EvidenceStore

TODAY = datetime.now(UTC).date()
POLICIES = Path(__file__).resolve().parent.parent / "data" / "engine" / "policies"

CONTROLS = """\
controls:
  TEST-ENC-1:
    title: Test buckets are encrypted at rest
"""
GDPR = """\
framework: GDPR
title: General Data Protection Regulation
requirements:
  - id: "Art. 32(1)(a)"
    title: Encryption of personal data
    controls: [TEST-ENC-1]
  - id: "Art. 35(7)"
    title: DPIA content reviewed
    assessment: attestation
    reason: Only a person can confirm the assessment's content was reviewed.
  - id: "Art. 30"
    title: Records of processing activities
    assessment: attestation
    reason: The record of processing is kept by the controller.
  - id: "Art. 37"
    title: Data protection officer
    assessment: out-of-scope
    reason: An organisational appointment.
"""
NIST = """\
framework: NIST-800-53
title: NIST SP 800-53
requirements:
  - id: "SC-28"
    title: Protection of information at rest
    controls: [TEST-ENC-1]
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GAVEL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GAVEL_EVIDENCE", raising=False)
    return tmp_path / "home"


@pytest.fixture
def frameworks(tmp_path: Path) -> Path:
    folder = tmp_path / "frameworks"
    folder.mkdir()
    (folder / "controls.yaml").write_text(CONTROLS)
    (folder / "gdpr.yaml").write_text(GDPR)
    (folder / "nist-800-53.yaml").write_text(NIST)
    return folder


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def coverage(frameworks: Path, *args: str) -> dict[str, Any]:
    result = run("policy", "coverage", "--policies", str(POLICIES), "--frameworks", str(frameworks),
                 "--format", "json", *args)  # fmt: skip
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.output)
    return document


def rows(document: dict[str, Any], framework: str) -> dict[str, dict[str, Any]]:
    found = next(f for f in document["frameworks"] if f["framework"] == framework)
    return {r["id"]: r for r in found["requirements"]}


def record(home: Path, requirement: str, expires_in_days: int, statement: str = "reviewed") -> None:
    signer, _ = load_or_create_signer(home / "keys")
    attestation = Attestation(
        framework="GDPR",
        requirement=requirement,
        by="Jane Doe <jane@example.com>",
        statement=statement,
        expires=TODAY + timedelta(days=expires_in_days),
        attested_at=datetime.now(UTC),
    )
    with EvidenceStore.open(f"sqlite:///{home / 'evidence.db'}") as store:
        record_attestation(store, attestation, signer=signer, requirement_title=requirement)


def test_requirements_are_covered_by_policies_through_their_controls(home: Path, frameworks: Path) -> None:
    document = coverage(frameworks, "--framework", "GDPR")
    assert [f["framework"] for f in document["frameworks"]] == ["GDPR"]
    gdpr = rows(document, "GDPR")
    assert gdpr["Art. 32(1)(a)"]["status"] == "covered"
    assert gdpr["Art. 32(1)(a)"]["policies"] == ["bucket_encrypted"]
    assert (
        gdpr["Art. 37"]["status"] == "out-of-scope"
        and gdpr["Art. 37"]["reason"] == "An organisational appointment."
    )
    assert gdpr["Art. 35(7)"] | {"reason": None} == {
        "id": "Art. 35(7)",
        "title": "DPIA content reviewed",
        "assessment": "attestation",
        "status": "attestation-missing",
        "controls": [],
        "policies": [],
        "reason": None,
        "attestation": None,
    }
    summary = document["frameworks"][0]["summary"]
    assert summary["in_scope"] == 3 and summary["satisfied"] == 1 and summary["attestation-missing"] == 2


def test_unexpired_attestations_count_and_expired_ones_do_not(home: Path, frameworks: Path) -> None:
    record(home, "Art. 35(7)", expires_in_days=30, statement="DPIA reviewed")
    record(home, "Art. 30", expires_in_days=-1, statement="RoPA signed")
    gdpr = rows(coverage(frameworks), "GDPR")
    assert gdpr["Art. 35(7)"]["status"] == "attested"
    assert gdpr["Art. 35(7)"]["attestation"]["statement"] == "DPIA reviewed"
    assert gdpr["Art. 35(7)"]["attestation"]["record_digest"].startswith("sha256:")
    assert gdpr["Art. 30"]["status"] == "attestation-expired"
    record(home, "Art. 30", expires_in_days=0, statement="RoPA signed again")
    renewed = rows(coverage(frameworks), "GDPR")["Art. 30"]
    assert renewed["status"] == "attested" and renewed["attestation"]["statement"] == "RoPA signed again"
    without = rows(coverage(frameworks, "--no-evidence"), "GDPR")
    assert without["Art. 35(7)"]["status"] == "attestation-missing"


def test_text_output_summarises_each_framework(home: Path, frameworks: Path) -> None:
    record(home, "Art. 35(7)", expires_in_days=10, statement="DPIA reviewed")
    result = run("policy", "coverage", "--policies", str(POLICIES), "--frameworks", str(frameworks))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "GDPR: 2/3 in-scope requirements met (1 by policies, 1 attested); awaiting attestation 1, "
        "attestation expired 0, uncovered 0, out of scope 1 - General Data Protection Regulation"
    )
    assert any(
        line.split()[:3] == ["Art.", "35(7)", "attested"] and "'DPIA reviewed' by Jane Doe" in line
        for line in lines
    )
    assert any(line.startswith("NIST-800-53: 1/1 in-scope requirements met") for line in lines)
    assert lines[-1] == f"as of {TODAY.isoformat()}"


def test_mapping_problems_are_reported(home: Path, frameworks: Path, tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(POLICIES, policies)
    rego = policies / "storage" / "bucket_encrypted" / "policy.rego"
    rego.write_text(rego.read_text().replace('article: "Art. 32(1)(a)"', 'article: "Art. 32(9)"'))
    result = run("policy", "coverage", "--policies", str(policies), "--frameworks", str(frameworks),
                 "--format", "json", "--no-evidence")  # fmt: skip
    problems = [p for p in json.loads(result.output)["problems"] if "bucket_encrypted" in p]
    assert len(problems) == 1 and "GDPR Art. 32(9) is not a requirement in" in problems[0]


def test_builtin_library_coverage_spans_every_framework(home: Path) -> None:
    result = run("policy", "coverage", "--format", "json", "--no-evidence")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    names = [f["framework"] for f in document["frameworks"]]
    assert names == sorted(["GDPR", "DSA", "SEC", "EU-AI-ACT", "NIST-800-53", "ISO-27001", "CIS"])
    assert len(rows(document, "GDPR")["Art. 32(1)(a)"]["policies"]) >= 10
    assert rows(document, "SEC")["MRM-6"]["status"] == "attestation-missing"


def test_list_by_framework_follows_the_mapping_and_speaks_json(home: Path) -> None:
    result = run("policy", "list", "--framework", "ISO-27001", "--format", "json")
    listed = json.loads(result.output)
    assert isinstance(listed, list) and listed
    for policy in listed:
        assert {"id", "title", "severity", "controls", "regulations", "resource_kinds", "remediation"} <= set(
            policy
        )
    s3 = next(p for p in listed if p["id"] == "s3_bucket_sse")
    assert {"framework": "ISO-27001", "article": "A.8.24"} in s3["mapped"]
    assert "gpu_personal_data_in_eea" not in [p["id"] for p in listed]
