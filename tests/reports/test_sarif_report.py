"""SARIF 2.1.0: valid against the OASIS schema and shaped the way GitHub code scanning reads it."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from report_fixtures import DATA, KMS_KEY, MODEL_CARD, S3_CMK, VLLM_DEPLOYMENT, finding

from gavel.engine.models import Decision, Outcome, ResourceRef, Severity
from gavel.reports.base import ReportContext
from gavel.reports.sarif import SECURITY_SEVERITY, SarifReport, artifact_uri, result_level

SARIF_SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())


def render(decision: Decision, context: ReportContext) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SarifReport().render(decision, context))
    return document


def github_bucket(score: str) -> str:
    """GitHub's documented translation of security-severity into its severity buckets."""
    value = float(score)
    if value >= 9.0:
        return "critical"
    if value >= 7.0:
        return "high"
    if value >= 4.0:
        return "medium"
    return "low"


@pytest.mark.parametrize("golden", sorted(path.name for path in DATA.glob("check.*.sarif")))
def test_golden_sarif_validates_against_the_oasis_schema(golden: str) -> None:
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA)
    errors = [error.message for error in validator.iter_errors(json.loads(Path(DATA / golden).read_text()))]
    assert errors == []


def test_schema_catches_a_broken_result(mixed_decision: Decision, context: ReportContext) -> None:
    document = render(mixed_decision, context)
    document["runs"][0]["results"][0]["level"] = "critical"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SARIF_SCHEMA, cls=jsonschema.Draft4Validator)


@pytest.mark.parametrize(
    ("severity", "outcome", "level"),
    [
        (Severity.CRITICAL, Outcome.VIOLATION, "error"),
        (Severity.HIGH, Outcome.VIOLATION, "error"),
        (Severity.MEDIUM, Outcome.VIOLATION, "warning"),
        (Severity.LOW, Outcome.VIOLATION, "note"),
        (Severity.INFO, Outcome.VIOLATION, "note"),
        (Severity.LOW, Outcome.ERROR, "error"),
        (Severity.CRITICAL, Outcome.WARNING, "warning"),
        (Severity.INFO, Outcome.WARNING, "warning"),
    ],
)
def test_result_level_mapping(severity: Severity, outcome: Outcome, level: str) -> None:
    assert result_level(severity, outcome) == level


def test_security_severity_lands_in_githubs_matching_bucket() -> None:
    for severity in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW):
        assert github_bucket(SECURITY_SEVERITY[severity]) == severity.value
    assert github_bucket(SECURITY_SEVERITY[Severity.INFO]) == "low"


def test_rules_cover_every_policy_and_ids_seen_only_in_findings(
    mixed_decision: Decision, context: ReportContext
) -> None:
    run = render(mixed_decision, context)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted([p.id for p in context.policies] + ["main/deny"])
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    s3 = next(rule for rule in rules if rule["id"] == S3_CMK.id)
    assert s3["properties"]["security-severity"] == "8.0"
    assert s3["properties"]["tags"] == ["security", "compliance", "GDPR", "ISO-27001"]
    assert s3["defaultConfiguration"] == {"level": "error"}
    assert "| GDPR | Art. 32(1)(a) |" in s3["help"]["markdown"]
    assert "kms_master_key_id" in s3["help"]["text"]
    conftest_rule = next(rule for rule in rules if rule["id"] == "main/deny")
    assert conftest_rule["properties"]["security-severity"] == "8.0"


def test_results_point_at_relative_paths_with_lines_when_known(
    mixed_decision: Decision, context: ReportContext
) -> None:
    results = render(mixed_decision, context)["runs"][0]["results"]
    locations = {r["message"]["text"].split(": ")[0]: r["locations"][0]["physicalLocation"] for r in results}
    assert locations["kubernetes:default/Job/finetune-job"] == {
        "artifactLocation": {"uri": "k8s/llm-finetuning-gemma/finetune.yaml"},
        "region": {"startLine": 16},
    }
    assert locations["terraform:aws_kms_key.key"] == {
        "artifactLocation": {"uri": "infra/aws/bucket_sse_infra.json"}
    }


def test_windows_and_dotted_paths_become_forward_slash_uris() -> None:
    assert artifact_uri(".\\infra\\gke\\node pool.json") == "infra/gke/node%20pool.json"
    assert artifact_uri("./k8s/app.yaml") == "k8s/app.yaml"
    assert artifact_uri("s3://bucket/inventory.json") == "s3://bucket/inventory.json"


def fingerprint_of(decision: Decision, context: ReportContext) -> str:
    result = render(decision, context)["runs"][0]["results"][0]
    fingerprint: str = result["partialFingerprints"]["primaryLocationLineHash"]
    return fingerprint


def test_fingerprint_survives_a_line_change_but_not_a_different_resource(
    mixed_decision: Decision, context: ReportContext
) -> None:
    original = finding(MODEL_CARD, VLLM_DEPLOYMENT, "no model card")
    moved = replace(original, resource=replace(VLLM_DEPLOYMENT, line=40), message="no model card, again")
    other = replace(
        original,
        resource=ResourceRef("kubernetes:default/Deployment/other", "Deployment", VLLM_DEPLOYMENT.source, 1),
    )
    fingerprints = [
        fingerprint_of(replace(mixed_decision, findings=(f,)), context) for f in (original, moved, other)
    ]
    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[0] != fingerprints[2]


def test_two_results_of_one_rule_on_one_resource_get_distinct_fingerprints(
    mixed_decision: Decision, context: ReportContext
) -> None:
    first = finding(MODEL_CARD, VLLM_DEPLOYMENT, "no model card for container a")
    second = finding(MODEL_CARD, VLLM_DEPLOYMENT, "no model card for container b")
    results = render(replace(mixed_decision, findings=(first, second)), context)["runs"][0]["results"]
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert hashes[0].split(":")[0] == hashes[1].split(":")[0]
    assert [h.split(":")[1] for h in hashes] == ["1", "2"]


def test_waived_findings_are_suppressed_not_dropped(mixed_decision: Decision, context: ReportContext) -> None:
    results = render(mixed_decision, context)["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert len(suppressed) == 1
    assert suppressed[0]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "SSE-S3 accepted until the KMS migration (DATA-1423) "
            "(waiver owner data-platform@example.com, expires 2025-06-30)",
        }
    ]


def test_invocation_reports_the_gate(
    mixed_decision: Decision, compliant_decision: Decision, context: ReportContext
) -> None:
    failed = render(mixed_decision, context)["runs"][0]["invocations"][0]
    assert (failed["executionSuccessful"], failed["exitCode"]) == (False, 1)
    passed = render(compliant_decision, context)["runs"][0]["invocations"][0]
    assert (passed["executionSuccessful"], passed["exitCode"]) == (True, 0)
    only_violation = replace(compliant_decision, findings=(finding(MODEL_CARD, KMS_KEY, "x"),), passed=False)
    run = render(only_violation, context)["runs"][0]["invocations"][0]
    assert (run["executionSuccessful"], run["exitCode"]) == (True, 1)
