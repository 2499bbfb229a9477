"""The README's first command on the example estate: specific findings, exit code and evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gavel.cli import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ml-platform"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GAVEL_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_example_estate_fails_with_the_documented_findings(home: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    critical = sorted(
        (f["policy_id"], f["resource"]["id"]) for f in document["findings"] if f["severity"] == "critical"
    )
    assert critical == [
        ("gpu_personal_data_in_eea", "kubernetes:ml-training/Job/finetune-support-tickets"),
        ("gpu_personal_data_in_eea", "terraform:aws_instance.trainer"),
        ("personal_data_storage_location", "terraform:aws_s3_bucket.feature_replica"),
        ("personal_data_workload_location", "kubernetes:ml-training/Job/finetune-support-tickets"),
    ]
    high = {(f["policy_id"], f["resource"]["id"]) for f in document["findings"] if f["severity"] == "high"}
    assert ("volume_encrypted", "terraform:aws_ebs_volume.scratch") in high
    assert ("s3_personal_data_cmk", "terraform:aws_s3_bucket.training_data") in high
    assert not any(f["resource"]["id"] == "terraform:aws_db_instance.features" for f in document["findings"])
    assert document["evidence"]["log_index"] == 0
    assert "generated signing key" in result.stderr
    assert len(list((home / "keys").glob("*.pub"))) == 1


def test_the_recorded_decision_verifies(home: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["check", str(EXAMPLE)], catch_exceptions=False)
    runner.invoke(cli, ["check", str(EXAMPLE / "terraform")], catch_exceptions=False)
    verified = runner.invoke(cli, ["evidence", "verify"], catch_exceptions=False)
    assert verified.exit_code == 0, verified.output
    assert "verified 2 entries" in verified.output
