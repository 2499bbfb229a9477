"""Values a plan knows only after apply: kept out of the attributes, listed in `input.resource.unknown`,
and judged by policies as "check after apply" (a warning), never as missing or false."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from gavel.adapters.terraform import TerraformPlan
from gavel.adapters.terraform_unknown import unknown_paths
from gavel.engine.estate import build_estate
from gavel.engine.evaluate import evaluate
from gavel.engine.loader import BUILTIN_LIBRARY, load_policy_set
from gavel.engine.models import Outcome
from gavel.engine.policy_tests import only
from gavel.engine.rego import EmbeddedRuntime

PLANS = Path(__file__).resolve().parent.parent / "data" / "adapters"
REGULA = PLANS / "terraform-plan" / "regula" / "rules" / "tf" / "aws"
KMS_KEY = ("server_side_encryption_configuration", 0, "rule", 0, "apply_server_side_encryption_by_default", 0,
           "kms_master_key_id")  # fmt: skip


def plan(path: Path, now: datetime) -> TerraformPlan:
    return TerraformPlan.from_json(path.read_bytes(), str(path), now)


def outcomes(path: Path, policy_id: str, now: datetime) -> dict[str, list[tuple[Outcome, str]]]:
    policy_set = load_policy_set([BUILTIN_LIBRARY])
    estate = build_estate(plan(path, now).resources)
    decision = evaluate(only(policy_set, policy_set.get(policy_id)), estate, EmbeddedRuntime(), now=now)
    found: dict[str, list[tuple[Outcome, str]]] = {rid: [] for rid in estate.resources}
    for finding in decision.findings:
        found[finding.resource.id].append((finding.outcome, finding.message))
    return found


def test_unknown_values_are_listed_and_absent_from_the_attributes(sse_plan: Path, now: datetime) -> None:
    buckets = {r.name: r for r in plan(sse_plan, now).resources}
    kms = buckets["kms_encrypted"]
    assert KMS_KEY in kms.unknown and ("bucket",) in kms.unknown and ("arn",) in kms.unknown
    sse_default = kms.attributes["server_side_encryption_configuration"][0]["rule"][0][
        "apply_server_side_encryption_by_default"
    ][0]
    assert sse_default == {"sse_algorithm": "aws:kms"}
    assert KMS_KEY not in buckets["aes_encrypted"].unknown
    document = kms.to_document()
    assert list(KMS_KEY) in document["unknown"]
    assert document["unknown"] == sorted(document["unknown"], key=lambda p: [str(s) for s in p])


def test_a_block_unknown_as_a_whole_is_one_path(data_dir: Path, now: datetime) -> None:
    source = (
        data_dir
        / "adapters/terraform-plan/checkov/runner/resources/plan_nested_child_modules_with_connections"
    )
    root = next(r for r in plan(source / "tfplan.json", now).resources if r.name == "root_bucket")
    assert ("server_side_encryption_configuration",) in root.unknown
    assert not any(len(p) > 1 and p[0] == "server_side_encryption_configuration" for p in root.unknown)


def test_deleted_and_unchanged_resources_have_no_unknown_values() -> None:
    assert unknown_paths(None) == ()
    deleted = {"change": {"actions": ["delete"], "before": {"id": "x"}, "after": None, "after_unknown": {}}}
    assert unknown_paths(deleted) == ()
    created = {
        "change": {"after": {"a": [1]}, "after_unknown": {"a": [False, True], "b": {"c": True}, "d": {}}}
    }
    assert unknown_paths(created) == (("a", 1), ("b", "c"))


def test_encryption_known_only_after_apply_warns_and_known_false_still_denies(now: datetime) -> None:
    found = outcomes(REGULA / "ebs" / "inputs" / "volume_encrypted_infra.json", "volume_encrypted", now)
    assert found["terraform:aws_ebs_volume.missing"] == [
        (
            Outcome.WARNING,
            "aws_ebs_volume.missing: encrypted is known only after apply (the account default decides it); "
            "set encrypted to true",
        )
    ]
    assert [o for o, _ in found["terraform:aws_ebs_volume.bad"]] == [Outcome.VIOLATION]
    assert found["terraform:aws_ebs_volume.good"] == []


def test_a_kms_key_created_in_the_same_plan_is_not_read_as_missing(now: datetime) -> None:
    path = PLANS / "terraform-unknown" / "tfplan.s3-personal-kms-key-after-apply.json"
    found = outcomes(path, "s3_personal_data_cmk", now)
    assert found["terraform:aws_s3_bucket.kms_encrypted"] == [
        (
            Outcome.WARNING,
            "aws_s3_bucket.kms_encrypted: kms_master_key_id is known only after apply; check that it names a "
            "customer-managed key, not alias/aws/s3",
        )
    ]
