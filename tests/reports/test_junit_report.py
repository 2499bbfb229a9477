"""JUnit XML: one suite per policy, one case per evaluated resource, parseable whatever the text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from report_fixtures import DATA, MODEL_CARD, VLLM_DEPLOYMENT, finding

from gavel.engine.models import Decision
from gavel.reports.base import ReportContext
from gavel.reports.junit import JunitReport


def render(decision: Decision, context: ReportContext) -> ET.Element:
    return ET.fromstring(JunitReport().render(decision, context))


def suite(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f"testsuite[@name='{name}']")
    assert found is not None, name
    return found


def case(parent: ET.Element, resource_id: str) -> ET.Element:
    found = parent.find(f"testcase[@name='{resource_id}']")
    assert found is not None, resource_id
    return found


def test_golden_files_parse_as_junit() -> None:
    for path in sorted(DATA.glob("check.*.junit.xml")):
        root = ET.parse(path).getroot()
        assert root.tag == "testsuites"
        assert all(child.tag == "testsuite" for child in root)


def test_one_suite_per_policy_and_one_case_per_evaluated_resource(
    mixed_decision: Decision, context: ReportContext
) -> None:
    root = render(mixed_decision, context)
    assert [s.get("name") for s in root] == sorted(mixed_decision.policy_ids)
    s3 = suite(root, "s3_personal_data_cmk")
    assert [c.get("name") for c in s3.iter("testcase")] == [
        "terraform:aws_s3_bucket.aes_encrypted",
        "terraform:aws_s3_bucket.kms_encrypted",
        "terraform:aws_s3_bucket.unencrypted",
    ]
    conftest_suite = suite(root, "main/deny")
    assert conftest_suite.get("tests") == str(len(mixed_decision.resources))


def test_counts_add_up(mixed_decision: Decision, context: ReportContext) -> None:
    root = render(mixed_decision, context)
    for counter, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        assert root.get(counter) == str(len(list(root.iter(tag))))
        for s in root:
            assert s.get(counter) == str(len(list(s.iter(tag))))
    assert root.get("tests") == str(len(list(root.iter("testcase"))))
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("6", "1", "1")


def test_violation_error_waiver_and_warning_are_told_apart(
    mixed_decision: Decision, context: ReportContext
) -> None:
    root = render(mixed_decision, context)
    failure = case(suite(root, "s3_personal_data_cmk"), "terraform:aws_s3_bucket.unencrypted").find("failure")
    assert failure is not None
    assert failure.get("type") == "high"
    assert failure.get("message") == (
        "bucket unencrypted holds personal data but has no server_side_encryption_configuration"
    )
    assert "Regulations: GDPR Art. 32(1)(a), ISO-27001 A.8.24" in (failure.text or "")
    error = case(suite(root, "training_lineage_classified"), "kubernetes:default/Job/finetune-job").find(
        "error"
    )
    assert error is not None and error.get("type") == "high"
    skipped = case(suite(root, "s3_personal_data_cmk"), "terraform:aws_s3_bucket.aes_encrypted").find(
        "skipped"
    )
    assert skipped is not None
    assert "waived by data-platform@example.com until 2025-06-30" in (skipped.get("message") or "")
    warned = case(suite(root, "workload_memory_limits"), VLLM_DEPLOYMENT.id)
    assert warned.find("failure") is None
    assert (warned.findtext("system-out") or "").startswith("warning: container inference-server")


def test_several_violations_on_one_case_share_one_failure(
    mixed_decision: Decision, context: ReportContext
) -> None:
    findings = (
        finding(MODEL_CARD, VLLM_DEPLOYMENT, "container a has no model card"),
        finding(MODEL_CARD, VLLM_DEPLOYMENT, "container b has no model card"),
    )
    root = render(replace(mixed_decision, findings=findings), context)
    failures = case(suite(root, MODEL_CARD.id), VLLM_DEPLOYMENT.id).findall("failure")
    assert [f.get("message") for f in failures] == [
        "container a has no model card; container b has no model card"
    ]


def test_characters_xml_cannot_carry_are_replaced(mixed_decision: Decision, context: ReportContext) -> None:
    hostile = finding(MODEL_CARD, VLLM_DEPLOYMENT, "bad \x00 byte \x1b[31m and <tag> & more")
    root = render(replace(mixed_decision, findings=(hostile,)), context)
    failure = case(suite(root, MODEL_CARD.id), VLLM_DEPLOYMENT.id).find("failure")
    assert failure is not None
    assert (
        failure.get("message")
        == "bad \N{REPLACEMENT CHARACTER} byte \N{REPLACEMENT CHARACTER}[31m and <tag> & more"
    )
