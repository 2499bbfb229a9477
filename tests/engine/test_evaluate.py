"""Evaluation through the real embedded Rego runtime: findings, errors, waivers, risk and the gate."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from gavel.engine.errors import PolicyError
from gavel.engine.estate import build_estate
from gavel.engine.evaluate import build_dispatch, evaluate
from gavel.engine.loader import load_policy_set
from gavel.engine.models import GatePolicy, Outcome, Severity, Waiver
from gavel.engine.rego import EmbeddedRuntime


@pytest.fixture
def policies(data_dir: Path):  # type: ignore[no-untyped-def]
    return load_policy_set([data_dir / "engine" / "policies"])


def test_violations_and_warnings_land_on_the_right_resources(
    policies, make_resource: Any, now: datetime
) -> None:
    estate = build_estate(
        [
            make_resource("aws_s3_bucket", "plain", {"bucket": "plain"}),
            make_resource("aws_s3_bucket", "sealed", {"server_side_encryption_configuration": [{}]}),
            make_resource(
                "aws_s3_bucket",
                "people",
                {"server_side_encryption_configuration": [{}]},
                labels={"data-classification": "personal"},
                region="us-east-1",
            ),
            make_resource("aws_iam_role", "unrelated", {}),
        ]
    )
    decision = evaluate(policies, estate, EmbeddedRuntime(), now=now)
    got = sorted((f.policy_id, f.outcome.value, f.resource.id) for f in decision.findings)
    assert got == [
        ("bucket_encrypted", "violation", "terraform:aws_s3_bucket.plain"),
        ("bucket_encrypted", "warning", "terraform:aws_s3_bucket.people"),
        ("bucket_region_known", "violation", "terraform:aws_s3_bucket.people"),
    ]
    violation = next(f for f in decision.findings if f.resource.id.endswith(".plain"))
    assert (
        violation.message == "terraform:aws_s3_bucket.plain: server_side_encryption_configuration is missing"
    )
    assert violation.details == {"field": "server_side_encryption_configuration"}
    assert violation.severity is Severity.HIGH
    assert [str(r) for r in violation.regulations] == ["GDPR Art. 32(1)(a)", "NIST-800-53 SC-28"]
    assert decision.risk == 7 + 3  # one high, one medium; warnings do not count
    assert not decision.passed
    assert decision.reasons == ("1 violation(s) at or above high",)
    assert decision.runtime == "regorus 0.13.0"


def test_fail_on_and_max_risk_decide_the_gate(policies, make_resource: Any, now: datetime) -> None:
    estate = build_estate(
        [
            make_resource(
                "aws_s3_bucket", "far", {"server_side_encryption_configuration": [{}]}, region="ap-south-1"
            )
        ]
    )
    runtime = EmbeddedRuntime()
    lenient = evaluate(policies, estate, runtime, gate=GatePolicy(fail_on=Severity.HIGH), now=now)
    assert lenient.passed and lenient.risk == 3
    strict = evaluate(policies, estate, runtime, gate=GatePolicy(fail_on=Severity.MEDIUM), now=now)
    assert not strict.passed
    budget = evaluate(
        policies, estate, runtime, gate=GatePolicy(fail_on=Severity.CRITICAL, max_risk=2), now=now
    )
    assert budget.reasons == ("risk 3 exceeds the maximum 2",)


def test_namespace_labels_classify_kubernetes_workloads(policies, make_resource: Any, now: datetime) -> None:
    namespace = make_resource(
        "Namespace", "ml", {}, platform="kubernetes", labels={"data-classification": "special-category"}
    )
    job = make_resource(
        "Deployment", "trainer", {"spec": {}}, platform="kubernetes", namespace="ml", region="eu-west-1"
    )
    estate = build_estate([namespace, job])
    assert estate.classification[job.id] == "special-category"
    assert estate.input_document(job.id)["classification"] == "special-category"


def test_a_policy_that_raises_becomes_an_error_finding_and_fails_closed(
    data_dir: Path, make_resource: Any, now: datetime
) -> None:
    policy_set = load_policy_set([data_dir / "engine" / "broken_builtin", data_dir / "engine" / "policies"])
    estate = build_estate(
        [
            make_resource(
                "aws_s3_bucket",
                "odd",
                {"server_side_encryption_configuration": [{}]},
                labels={"size": "lots"},
            ),
            make_resource("aws_s3_bucket", "fine", {}, labels={"size": "10Gi"}),
        ]
    )
    decision = evaluate(
        policy_set, estate, EmbeddedRuntime(), gate=GatePolicy(fail_on=Severity.CRITICAL), now=now
    )
    errors = [f for f in decision.findings if f.outcome is Outcome.ERROR]
    assert [(f.policy_id, f.resource.id) for f in errors] == [("parses_size", "terraform:aws_s3_bucket.odd")]
    assert "could not parse number" in errors[0].message
    assert "policy.rego:" in errors[0].message
    # the other policies still judged the same resource
    assert not any(
        f.policy_id == "bucket_encrypted" and f.resource.id.endswith(".odd") for f in decision.findings
    )
    assert any(
        f.policy_id == "bucket_encrypted" and f.resource.id.endswith(".fine") for f in decision.findings
    )
    assert not decision.passed
    assert decision.reasons[0] == "1 policy evaluation(s) failed (fail-closed)"


def test_rego_syntax_error_names_file_line_and_column(
    data_dir: Path, make_resource: Any, now: datetime
) -> None:
    policy_set = load_policy_set([data_dir / "engine" / "bad_syntax"])
    with pytest.raises(PolicyError) as raised:
        evaluate(
            policy_set, build_estate([make_resource("aws_s3_bucket", "b", {})]), EmbeddedRuntime(), now=now
        )
    line = raised.value.one_line()
    assert raised.value.exit_code == 3
    assert "bad_policy/policy.rego:7:1" in line
    assert "expecting expression" in line


def test_conftest_policies_see_the_source_object(data_dir: Path, make_resource: Any, now: datetime) -> None:
    policy_set = load_policy_set([data_dir / "engine" / "conftest"])
    deployment = {
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx:latest"}]}}},
    }
    estate = build_estate(
        [make_resource("Deployment", "web", deployment, platform="kubernetes", namespace="default")]
    )
    decision = evaluate(policy_set, estate, EmbeddedRuntime(), now=now)
    got = sorted((f.policy_id, f.outcome.value, f.message) for f in decision.findings)
    assert got == [
        ("main/deny", "violation", "Deployment web must set runAsNonRoot"),
        ("main/warn_latest", "warning", "container app uses a :latest image"),
    ]


def test_waivers_apply_until_they_expire(policies, make_resource: Any, now: datetime) -> None:
    estate = build_estate([make_resource("aws_s3_bucket", "logs", {})])
    live = Waiver(
        "bucket_encrypted",
        {"id": "terraform:aws_s3_bucket.log*"},
        "legacy logs",
        "sec@example.com",
        date(2027, 1, 1),
        "W1",
    )
    stale = Waiver(
        "bucket_encrypted",
        {"kind": "aws_s3_bucket"},
        "old exception",
        "sec@example.com",
        date(2026, 1, 1),
        "W0",
    )
    decision = evaluate(policies, estate, EmbeddedRuntime(), waivers=[stale, live], now=now)
    (finding,) = decision.findings
    assert finding.waived and finding.waiver is not None and finding.waiver.id == "W1"
    assert decision.passed and decision.risk == 0
    assert [w.id for w in decision.expired_waivers] == ["W0"]
    only_stale = evaluate(policies, estate, EmbeddedRuntime(), waivers=[stale], now=now)
    assert not only_stale.passed


def test_dispatch_only_names_policies_that_apply(policies) -> None:
    dispatch = build_dispatch(policies.policies, ["aws_s3_bucket", "Deployment", "aws_iam_role"])
    assert set(dispatch.rule_of_kind) == {"aws_s3_bucket", "Deployment"}
    assert [p.id for p in dispatch.policies_of_kind["Deployment"]] == ["bucket_region_known"]
    assert "aws_iam_role" not in dispatch.module
