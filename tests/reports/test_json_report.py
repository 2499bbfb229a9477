"""The JSON document: DESIGN section 5's shape, checked against the published schema."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from report_fixtures import DATA, RECEIPT

from gavel.engine.models import Decision
from gavel.reports.base import ReportContext
from gavel.reports.json_report import JsonReport


def schema() -> dict[str, Any]:
    text = resources.files("gavel.reports").joinpath("schemas/check-result.schema.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def render(decision: Decision, context: ReportContext) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(JsonReport().render(decision, context))
    return document


def test_the_published_schema_is_itself_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


@pytest.mark.parametrize("golden", sorted(path.name for path in DATA.glob("check.*.json")))
def test_every_golden_json_output_validates_against_the_schema(golden: str) -> None:
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    errors = [error.message for error in validator.iter_errors(json.loads(Path(DATA / golden).read_text()))]
    assert errors == []


def test_schema_rejects_a_document_missing_a_required_key(
    mixed_decision: Decision, context: ReportContext
) -> None:
    document = render(mixed_decision, context)
    del document["findings"][0]["resource"]["location"]
    with pytest.raises(jsonschema.ValidationError, match="'location' is a required property"):
        jsonschema.validate(document, schema(), cls=jsonschema.Draft202012Validator)


def test_required_shape_from_the_design(mixed_decision: Decision, context: ReportContext) -> None:
    document = render(mixed_decision, context)
    assert {"resources", "findings", "by_severity", "risk", "passed"} <= set(document["summary"])
    required = {"policy_id", "severity", "resource", "message", "controls", "regulations", "waived"}
    for entry in document["findings"]:
        assert required <= set(entry)
        assert set(entry["resource"]) == {"id", "kind", "source", "location"}
        assert set(entry["resource"]["location"]) == {"file", "line"}
    assert document["evidence"] == {"log_index": RECEIPT.log_index, "record_digest": RECEIPT.record_digest}


def test_summary_counts_agree_with_the_findings(mixed_decision: Decision, context: ReportContext) -> None:
    document = render(mixed_decision, context)
    summary = document["summary"]
    counted = [f for f in document["findings"] if not f["waived"] and f["outcome"] != "warning"]
    assert summary["findings"] == len(counted) == sum(summary["by_severity"].values()) == 7
    assert summary["by_severity"] == {"info": 0, "low": 1, "medium": 1, "high": 3, "critical": 2}
    assert (summary["errors"], summary["warnings"], summary["waived"]) == (1, 1, 1)
    assert (summary["risk"], summary["max_risk"], summary["passed"]) == (38.0, 20.0, False)


def test_waived_finding_carries_its_waiver_and_expired_waivers_are_listed(
    mixed_decision: Decision, context: ReportContext
) -> None:
    document = render(mixed_decision, context)
    waived = [f for f in document["findings"] if f["waived"]]
    assert [(f["resource"]["id"], f["waiver"]["owner"], f["waiver"]["expires"]) for f in waived] == [
        ("terraform:aws_s3_bucket.aes_encrypted", "data-platform@example.com", "2025-06-30")
    ]
    assert [w["id"] for w in document["expired_waivers"]] == ["w-kms-rotation"]
    assert document["expired_waivers"][0]["selector"] == {
        "platform": "terraform",
        "resource": "terraform:aws_kms_key.key",
    }


def test_evidence_is_null_without_a_receipt(mixed_decision: Decision, context: ReportContext) -> None:
    assert render(mixed_decision, replace(context, evidence=None))["evidence"] is None


def test_findings_are_ordered_most_severe_first(mixed_decision: Decision, context: ReportContext) -> None:
    severities = [f["severity"] for f in render(mixed_decision, context)["findings"]]
    order = ["critical", "high", "medium", "low", "info"]
    assert severities == sorted(severities, key=order.index)
