"""The built-in library on real plans written by other projects: the resources those projects
name valid, invalid or missing get the verdicts their names promise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gavel.cli import cli

REGULA = (
    Path(__file__).resolve().parents[1] / "data" / "adapters" / "terraform-plan" / "regula" / "rules" / "tf"
)


def findings(*args: str) -> set[tuple[str, str]]:
    result = CliRunner().invoke(
        cli, ["check", *args, "--no-evidence", "--format", "json"], catch_exceptions=False
    )
    assert result.exit_code in (0, 1), result.output
    return {(f["policy_id"], f["resource"]["id"]) for f in json.loads(result.stdout)["findings"]}


@pytest.mark.parametrize(
    ("plan", "policy", "denied", "allowed"),
    [
        (
            "aws/ebs/inputs/volume_encrypted_infra.json",
            "volume_encrypted",
            ["aws_ebs_volume.bad", "aws_ebs_volume.missing"],
            ["aws_ebs_volume.good"],
        ),
        (
            "aws/kms/inputs/key_rotation_infra.json",
            "aws_kms_key_rotation",
            ["aws_kms_key.invalid", "aws_kms_key.blank-invalid"],
            ["aws_kms_key.valid"],
        ),
        (
            "aws/s3/inputs/bucket_sse_infra.json",
            "s3_bucket_sse",
            ["aws_s3_bucket.unencrypted"],
            ["aws_s3_bucket.aes_encrypted", "aws_s3_bucket.kms_encrypted"],
        ),
        (
            "azurerm/storage/inputs/account_secure_transfer_infra.json",
            "azure_storage_secure_transfer",
            [
                "azurerm_storage_account.invalidstorageaccount1",
                "azurerm_storage_account.invalidstorageaccount2",
            ],
            [],
        ),
        (
            "google/kms/inputs/cryptokey_rotate_infra.json",
            "gcp_kms_key_rotation",
            ["google_kms_crypto_key.invalid_key_1"],
            ["google_kms_crypto_key.valid_key_1"],
        ),
    ],
)
def test_named_resources_get_the_verdict_their_names_promise(
    plan: str, policy: str, denied: list[str], allowed: list[str]
) -> None:
    got = findings(str(REGULA / plan))
    for address in denied:
        assert (policy, f"terraform:{address}") in got
    for address in allowed:
        assert (policy, f"terraform:{address}") not in got


def test_a_stricter_rotation_period_is_a_data_override_not_a_rego_edit(tmp_path: Path) -> None:
    plan = str(REGULA / "google/kms/inputs/cryptokey_rotate_infra.json")
    ninety_days = "terraform:google_kms_crypto_key.invalid_key_2"
    assert ("gcp_kms_key_rotation", ninety_days) not in findings(plan)
    override = tmp_path / "cis-gcp.yaml"
    override.write_text("encryption:\n  max_key_rotation_days: 90\n")
    stricter = findings(plan, "--data", str(override))
    assert ("gcp_kms_key_rotation", ninety_days) in stricter
    assert ("gcp_kms_key_rotation", "terraform:google_kms_crypto_key.valid_key_1") not in stricter
