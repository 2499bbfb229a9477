"""Every audit report format over one store filled by real runs: goldens, schemas and structure.

Markdown and JSON are compared with golden files (`GAVEL_UPDATE_GOLDENS=1` rewrites them). The
store's digests, roots, signatures and append times change with every fill (record ids are
random, the log's clock is real), so they are replaced by placeholders before comparing; every
figure, every evaluation time and every log index is compared as is.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from audit_evidence import FRAMEWORKS, GENERATED_AT, AuditEvidence, fill_store, summary_of

from gavel.engine.posture import AttestationRecord, AuditSummary, EvidenceLink
from gavel.reports.audit.base import AUDIT_FORMATS, get_audit_format

VOLATILE = (
    (re.compile(r"sha256:[0-9a-f]{12,64}"), "sha256:<digest>"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<hex>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"), "<append time>"),
    (re.compile(r"^[A-Za-z0-9+/]{43}=$", re.MULTILINE), "<root>"),
    (re.compile(r"(— \S+) [A-Za-z0-9+/]{80,}={0,2}"), r"\1 <signature>"),
    (re.compile(r"(\\n— \S+) [A-Za-z0-9+/]{80,}={0,2}"), r"\1 <signature>"),
    (re.compile(r"\\n[A-Za-z0-9+/]{43}=\\n"), r"\\n<root>\\n"),
)


def scrub(rendered: bytes) -> bytes:
    text = rendered.decode("utf-8")
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text.encode("utf-8")


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> AuditEvidence:
    folder = tmp_path_factory.mktemp("audit")
    return fill_store(f"sqlite:///{folder / 'evidence.db'}", folder / "keys")


@pytest.fixture(scope="module")
def summary(evidence: AuditEvidence) -> AuditSummary:
    return summary_of(evidence)


@pytest.fixture(scope="module")
def tampered(tmp_path_factory: pytest.TempPathFactory) -> AuditSummary:
    folder = tmp_path_factory.mktemp("tampered")
    evidence = fill_store(f"sqlite:///{folder / 'evidence.db'}", folder / "keys")
    with sqlite3.connect(folder / "evidence.db") as connection:
        connection.execute("DROP TRIGGER evidence_entry_no_update")
        connection.execute("UPDATE evidence_entry SET decision = 'allow' WHERE idx = 4")
    return summary_of(evidence)


@pytest.mark.parametrize(
    ("name", "golden_file"), [("md", "audit/audit.january.md"), ("json", "audit/audit.january.json")]
)
def test_markdown_and_json_match_their_golden_files(
    summary: AuditSummary, golden: Callable[[bytes, str], None], name: str, golden_file: str
) -> None:
    rendered = get_audit_format(name).render(summary)
    assert rendered == get_audit_format(name).render(summary)
    golden(scrub(rendered), golden_file)


def test_json_cites_full_record_digests_and_rates(summary: AuditSummary) -> None:
    document = json.loads(get_audit_format("json").render(summary))
    assert document["kind"] == "gavel-audit-report"
    assert document["overall"] == {"checks": 72, "failed": 23, "pass_rate": pytest.approx(49 / 72)}
    digest = document["failing_policies"][0]["latest"]["record_digest"]
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest)
    assert document["integrity"]["verified"] is True
    assert document["totals"]["by_source"] == {"admission": 6, "check": 4}


class _Structure(HTMLParser):
    """Tags, section ids, alert classes, SVG count and any reference that would leave the file."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.sections: list[str] = []
        self.alerts: list[str] = []
        self.external: list[str] = []
        self.svgs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        self.svgs += tag == "svg"
        if tag == "section":
            self.sections.append(str(found.get("id")))
        if "alert" in (found.get("class") or "").split():
            self.alerts.append(str(found.get("class")))
        for name in ("src", "href", "xlink:href", "action"):
            value = found.get(name) or ""
            if value and not value.startswith("#"):
                self.external.append(f"{tag} {name}={value}")


def structure(rendered: bytes) -> _Structure:
    parser = _Structure()
    parser.feed(rendered.decode("utf-8"))
    return parser


def test_html_is_one_self_contained_file_with_every_section(summary: AuditSummary) -> None:
    rendered = get_audit_format("html").render(summary)
    found = structure(rendered)
    assert found.external == []
    assert not {"script", "link", "img", "iframe", "object"} & set(found.tags)
    assert b"@import" not in rendered and b"url(" not in rendered
    assert found.sections == [
        "summary",
        "framework-cis",
        "framework-gdpr",
        "framework-iso-27001",
        "framework-nist-800-53",
        "failing-policies",
        "failing-resources",
        "waivers",
        "attestations",
        "denials",
        "evidence",
    ]
    assert found.svgs == 8  # a line and a bar chart per framework
    assert found.alerts == ["alert ok", "alert ok"]
    assert b"@media print" in rendered
    text = rendered.decode()
    assert "68.1%" in text and "W-1" in text and "expiring" in text
    assert "gavel.dev/evidence/audit-report-tests\n10\n" in text


def test_a_store_that_fails_verification_is_shown_in_red_everywhere(tampered: AuditSummary) -> None:
    html = get_audit_format("html").render(tampered)
    assert structure(html).alerts == ["alert bad", "alert bad"]
    assert b"FAILED verification" in html and b"index 4" in html
    markdown = get_audit_format("md").render(tampered).decode()
    assert "> **✖ The evidence store FAILED verification" in markdown
    document = json.loads(get_audit_format("json").render(tampered))
    assert document["integrity"]["verified"] is False
    reports = list(yaml.safe_load_all(get_audit_format("policyreport").render(tampered)))
    assert reports[0]["metadata"]["annotations"]["gavel.dev/store-verified"] == "false"


def test_an_empty_period_gives_a_report_that_says_so(evidence: AuditEvidence) -> None:
    empty = summary_of(evidence, ("GDPR",), since=GENERATED_AT, filtered=True)
    for name in AUDIT_FORMATS:
        assert get_audit_format(name).render(empty)
    markdown = get_audit_format("md").render(empty).decode()
    assert "No decisions were recorded in this period" in markdown
    assert "No check of a GDPR policy was recorded in this period." in markdown
    assert structure(get_audit_format("html").render(empty)).svgs == 0


def test_policyreports_split_by_namespace_and_cite_evidence(summary: AuditSummary) -> None:
    reports = list(yaml.safe_load_all(get_audit_format("policyreport").render(summary)))
    assert [(r["kind"], r["metadata"].get("namespace")) for r in reports] == [
        ("ClusterPolicyReport", None),
        ("PolicyReport", "default"),
        ("PolicyReport", "ml-serving"),
        ("PolicyReport", "web"),
    ]
    assert all(r["apiVersion"] == "wgpolicyk8s.io/v1alpha2" for r in reports)
    cluster = reports[0]
    assert cluster["summary"]["pass"] == 49
    by_pair = {(r["policy"], r["properties"]["resource-id"]): r for r in cluster["results"]}
    unencrypted = by_pair[("bucket_encrypted", "terraform:aws_s3_bucket.unencrypted")]
    assert unencrypted["result"] == "fail" and unencrypted["severity"] == "high"
    assert unencrypted["category"] == "GDPR, NIST-800-53"
    assert unencrypted["resources"] == [
        {"kind": "aws_s3_bucket", "name": "terraform:aws_s3_bucket.unencrypted"}
    ]
    pod = reports[1]["results"][0]
    assert pod["resources"][0] == {"kind": "Deployment", "name": "nginx", "namespace": "default"}
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", pod["properties"]["evidence-record-digest"])
    allowed = {"pass", "fail", "warn", "error", "skip"}
    assert all(r["result"] in allowed for report in reports for r in report["results"])
    assert sum(r["summary"]["fail"] for r in reports) == sum(
        r["result"] == "fail" for report in reports for r in report["results"]
    )


def test_oscal_assessment_results_validate_with_trestle(summary: AuditSummary, tmp_path: Path) -> None:
    from trestle.oscal.assessment_results import AssessmentResults

    rendered = get_audit_format("oscal").render(summary)
    document = json.loads(rendered)["assessment-results"]
    model = AssessmentResults(**document)
    assert model.metadata.oscal_version.root.root == "1.1.2"
    assert [r.title.split(" posture")[0] for r in model.results] == list(FRAMEWORKS)
    gdpr = model.results[1]
    states = {f.target.target_id: f.target.status.state.value for f in gdpr.findings or []}
    assert states == {
        "gdpr-art-32": "not-satisfied",
        "gdpr-art-32-1-a": "not-satisfied",
        "gdpr-art-44": "not-satisfied",
    }
    iso = model.results[2]
    assert {f.target.status.state.value for f in iso.findings or []} == {"satisfied"}
    resources = {f"#{r.uuid}": r for r in model.back_matter.resources or []}
    assert model.import_ap.href in resources
    for observation in gdpr.observations or []:
        for evidence in observation.relevant_evidence or []:
            cited = resources[str(evidence.href)]
            digest = cited.document_ids[0].identifier
            assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest) and digest in evidence.description
    assert rendered == get_audit_format("oscal").render(summary)
    (tmp_path / "ar.json").write_bytes(rendered)
    assert AssessmentResults.oscal_read(tmp_path / "ar.json") is not None


def test_oscal_carries_manual_attestations_linked_to_their_evidence(summary: AuditSummary) -> None:
    from trestle.oscal.assessment_results import AssessmentResults

    dpia = AttestationRecord(
        "attestation",
        datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        ("GDPR Art. 35(7)",),
        (
            ("framework", "GDPR"),
            ("requirement", "Art. 35(7)"),
            ("attestedBy", "Ana Ruiz <ana@example.eu>"),
            ("statement", "DPIA reviewed for the support-ticket fine-tune"),
            ("expires", "2027-06-30"),
        ),
        EvidenceLink(99, "sha256:" + "5e" * 32),
    )
    rendered = get_audit_format("oscal").render(replace(summary, attestations=(dpia,)))
    model = AssessmentResults(**json.loads(rendered)["assessment-results"])
    gdpr = next(r for r in model.results if r.title.startswith("GDPR"))
    attested = [o for o in gdpr.observations or [] if o.methods[0] == "EXAMINE"]
    assert [o.description for o in attested] == ["DPIA reviewed for the support-ticket fine-tune"]
    resources = {f"#{r.uuid}": r for r in model.back_matter.resources or []}
    cited = resources[str(attested[0].relevant_evidence[0].href)]
    assert cited.document_ids[0].identifier == "sha256:" + "5e" * 32
    finding = next(f for f in gdpr.findings or [] if f.target.target_id == "gdpr-art-35-7")
    assert finding.target.status.state.value == "satisfied"
    assert [r.observation_uuid for r in finding.related_observations or []] == [attested[0].uuid]
    others = [r for r in model.results if not r.title.startswith("GDPR")]
    assert not any(o.methods[0] == "EXAMINE" for r in others for o in r.observations or [])
