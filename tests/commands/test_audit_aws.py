"""`gavel audit --aws` end to end: moto in server mode on loopback holding a small ML account
(tests/support/aws_moto.py), the built-in policy library, the embedded runtime and a real
SQLite evidence store that `gavel evidence verify` checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_moto import CREDENTIALS, MotoServer, closed_port_url, seed_estate
from click.testing import CliRunner, Result

from gavel.cli import cli

LAKE = "aws:arn:aws:s3:::customer-lake"
RAW_US = "aws:arn:aws:s3:::raw-events-us"
TRAINING = "aws:arn:aws:sagemaker:eu-central-1:123456789012:training-job/churn-train"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAVEL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("GAVEL_EVIDENCE", raising=False)
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    with MotoServer() as server:
        seed_estate(server)
        yield server


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def audit(moto: MotoServer, *extra: str) -> Result:
    regions = ("--aws-region", "eu-central-1", "--aws-region", "us-east-1")
    return run("audit", "--aws", *regions, "--aws-endpoint-url", moto.url, *extra)


def findings_by_resource(report: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["resource"]["id"], set()).add(finding["policy_id"])
    return found


def test_audit_judges_the_account_and_records_verifiable_evidence(moto: MotoServer) -> None:
    result = audit(moto, "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    found = findings_by_resource(report)
    assert {"personal_data_storage_location", "s3_personal_data_cmk", "storage_versioning"} <= found[RAW_US]
    assert "personal_data_storage_location" not in found.get(LAKE, set())
    # the job reads the personal bucket, so the estate graph makes its data personal
    assert {"sagemaker_network_isolation", "sagemaker_personal_data_cmk"} <= found[TRAINING]
    volumes = [rid for rid, policies in found.items() if "volume_encrypted" in policies]
    assert len(volumes) == 2  # the unencrypted volume and the instance's root volume
    raw = next(
        f
        for f in report["findings"]
        if f["resource"]["id"] == RAW_US and f["policy_id"] == "storage_versioning"
    )
    assert raw["resource"]["source"] == "aws://123456789012/us-east-1/AWS::S3::Bucket/raw-events-us"
    assert report["evidence"]["log_index"] == 0

    shown = json.loads(run("evidence", "show", "0").stdout)["statement"]
    context = shown["predicate"]["context"]
    assert context["command"] == "audit"
    (source,) = context["sources"]
    assert source["type"] == "aws"
    assert source["account"] == "123456789012"
    assert source["regions"] == ["eu-central-1", "us-east-1"]
    assert source["resources"]["AWS::S3::Bucket"] == 3
    assert source["not_collected"] == []
    subjects = {s["name"] for s in shown["subject"]}
    assert raw["resource"]["source"] in subjects
    verified = run("evidence", "verify")
    assert verified.exit_code == 0, verified.output


def test_a_denied_action_is_reported_and_the_rest_is_audited(
    moto: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in moto.auditor("cli-auditor", ["s3:GetBucketTagging"]).items():
        monkeypatch.setenv(name, value)
    with moto.iam_enforced():
        result = audit(moto, "--format", "json", "--no-evidence")
    assert result.exit_code == 1, result.output
    denied = [line for line in result.stderr.splitlines() if "s3:GetBucketTagging" in line]
    assert len(denied) == 3
    assert denied[0].startswith(
        "gavel: aws://123456789012/eu-central-1/s3/customer-lake: skipped: "
        "s3:GetBucketTagging in eu-central-1 denied (AccessDenied)"
    )
    found = findings_by_resource(json.loads(result.stdout))
    assert not [rid for rid in found if rid.startswith("aws:arn:aws:s3:::")]
    # the rest of the account is judged: volumes, and no bucket is left to make the job personal
    assert len([rid for rid, policies in found.items() if "volume_encrypted" in policies]) == 2
    assert TRAINING not in found


def test_waivers_and_fail_on_decide_the_exit_code(moto: MotoServer, tmp_path: Path) -> None:
    result = audit(moto, "--format", "json", "--no-evidence")
    blocking = {
        (f["policy_id"], f["resource"]["id"])
        for f in json.loads(result.stdout)["findings"]
        if f["severity"] in ("high", "critical")
    }
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        + "".join(
            f"  - policy: {policy}\n"
            f"    resources: {{id: '{rid}'}}\n"
            "    reason: Migration to eu-central-1 with customer-managed keys is scheduled.\n"
            "    owner: platform@example.com\n"
            "    expires: 2099-01-01\n"
            for policy, rid in sorted(blocking)
        )
    )
    waived = audit(moto, "--waivers", str(waivers), "--no-evidence")
    assert waived.exit_code == 0, waived.output
    stricter = audit(moto, "--waivers", str(waivers), "--fail-on", "medium", "--no-evidence")
    assert stricter.exit_code == 1


def test_an_unreachable_endpoint_exits_4_with_one_line() -> None:
    url = closed_port_url()
    result = run(
        "audit", "--aws", "--aws-region", "eu-central-1", "--aws-endpoint-url", url, "--aws-max-attempts", "1"
    )
    assert result.exit_code == 4
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"gavel: error: {url}: cannot use AWS: Could not connect to the endpoint URL")


def test_without_a_region_it_is_a_usage_error() -> None:
    result = run("audit", "--aws")
    assert result.exit_code == 2
    assert result.stderr == (
        "gavel: error: no AWS region: pass --aws-region (repeatable) or set AWS_REGION\n"
    )


def test_help_explains_the_aws_options() -> None:
    result = run("audit", "--help")
    for option in ("--aws", "--aws-region", "--aws-profile", "--aws-endpoint-url", "--aws-retry-mode"):
        assert option in result.output
