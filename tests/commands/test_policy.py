"""`gavel policy list|show|test` over a small policy folder and broken variants of it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from gavel.cli import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_list_shows_severity_articles_and_kinds(data_dir: Path) -> None:
    result = run("policy", "list", "--policies", str(data_dir / "engine" / "policies"))
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith("bucket_encrypted"))
    assert "high" in line and "GDPR Art. 32(1)(a)" in line and "NIST-800-53 SC-28" in line
    assert "kinds: aws_s3_bucket, Deployment" in result.output
    assert result.output.rstrip().endswith("2 policies")


def test_list_filters_by_framework_and_speaks_json(data_dir: Path) -> None:
    result = run(
        "policy",
        "list",
        "--policies",
        str(data_dir / "engine" / "policies"),
        "--framework",
        "NIST-800-53",
        "--format",
        "json",
    )
    policies = json.loads(result.output)
    assert [p["id"] for p in policies] == ["bucket_encrypted"]
    assert policies[0]["regulations"][1] == {"framework": "NIST-800-53", "article": "SC-28"}


def test_show_explains_one_policy_and_unknown_ids_exit_3(data_dir: Path) -> None:
    result = run("policy", "show", "bucket_encrypted", "--policies", str(data_dir / "engine" / "policies"))
    assert result.exit_code == 0
    assert "Remediation:" in result.output and "sse_algorithm aws:kms" in result.output
    assert "data.gavel.storage.bucket_encrypted" in result.output
    missing = run("policy", "show", "nope", "--policies", str(data_dir / "engine" / "policies"))
    assert missing.exit_code == 3
    assert "no policy with id 'nope'" in missing.output


def _copy_policies(data_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(data_dir / "engine" / "policies", target)
    return target


def test_policy_test_runs_unit_tests_and_samples(data_dir: Path, tmp_path: Path, sse_plan: Path) -> None:
    root = _copy_policies(data_dir, tmp_path)
    policy = root / "storage" / "bucket_encrypted"
    (policy / "samples" / "denied").mkdir(parents=True)
    shutil.copy(sse_plan, policy / "samples" / "denied" / "tfplan.bucket-sse.json")
    (policy / "samples" / "allowed").mkdir()
    (policy / "samples" / "allowed" / "tfplan.empty.json").write_text(
        json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": []}}})
    )
    result = run("policy", "test", str(root), "--verbose")
    assert "PASS gavel" not in result.output
    assert "PASS policies/" not in result.output
    assert "test_unencrypted_denied" in result.output
    assert "bucket_encrypted: denied sample tfplan.bucket-sse.json" in result.output
    # bucket_region_known has no samples: the meta-test names it
    assert "FAIL bucket_region_known: allowed samples: no samples/allowed/ documents" in result.output
    assert result.exit_code == 1
    assert result.output.rstrip().endswith("4 passed, 2 failed")


def test_policy_test_fails_a_broken_unit_test(data_dir: Path, tmp_path: Path) -> None:
    root = _copy_policies(data_dir, tmp_path)
    test_file = root / "storage" / "bucket_encrypted" / "policy_test.rego"
    test_file.write_text(
        test_file.read_text().replace(
            "count(bucket_encrypted.deny) == 1", "count(bucket_encrypted.deny) == 2"
        )
    )
    result = run("policy", "test", str(root))
    assert result.exit_code == 1
    assert "FAIL" in result.output and "test_unencrypted_denied: undefined" in result.output
