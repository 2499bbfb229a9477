"""JUnit XML, so CI systems that chart test results (Jenkins, GitLab, Azure) chart compliance too.

One `testsuite` per policy and one `testcase` per resource that policy evaluated: a policy with
metadata evaluated the resources of its `resource_kinds`; one without (a Conftest-style folder)
evaluated every resource. A violation is a `failure` (type = severity), an evaluation error an
`error`, a fully waived case is `skipped` with the waiver, and warnings go to `system-out`.
Characters XML 1.0 cannot carry are replaced, so the file always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence

from ..engine.metadata import PolicyMetadata
from ..engine.models import Decision, Finding, Outcome, ResourceRef, Waiver
from .base import ReportContext
from .summary import ordered_findings, regulation_labels

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", text)


class JunitReport:
    """testsuites > testsuite per policy > testcase per evaluated resource."""

    name = "junit"

    def render(self, decision: Decision, context: ReportContext) -> bytes:
        metadata = {policy.id: policy for policy in context.policies}
        findings: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for finding in ordered_findings(decision.findings):
            findings[(finding.policy_id, finding.resource.id)].append(finding)
        policy_ids = sorted(set(decision.policy_ids) | set(metadata) | {policy for policy, _ in findings})
        resources = sorted(decision.resources, key=lambda r: r.id)
        timestamp = decision.evaluated_at.strftime("%Y-%m-%dT%H:%M:%S")
        root = ET.Element("testsuites", name="gavel check")
        for policy_id in policy_ids:
            suite = _suite(policy_id, metadata.get(policy_id), resources, findings, timestamp)
            root.append(suite)
        for counter in ("tests", "failures", "errors", "skipped"):
            root.set(counter, str(sum(int(suite.get(counter, "0")) for suite in root)))
        root.set("time", "0")
        ET.indent(root)
        document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
        return document + b"\n"


def _suite(
    policy_id: str,
    policy: PolicyMetadata | None,
    resources: Sequence[ResourceRef],
    findings: dict[tuple[str, str], list[Finding]],
    timestamp: str,
) -> ET.Element:
    suite = ET.Element("testsuite", name=policy_id, timestamp=timestamp, time="0")
    if policy is not None:
        properties = ET.SubElement(suite, "properties")
        values = [
            ("title", policy.title),
            ("severity", policy.severity.value),
            *(("regulation", label) for label in regulation_labels(policy.regulations)),
            *(("control", control) for control in sorted(policy.controls)),
        ]
        for name, value in values:
            ET.SubElement(properties, "property", name=name, value=_xml_text(value))
    evaluated = [
        resource
        for resource in resources
        if policy is None or policy.applies_to(resource.kind) or (policy_id, resource.id) in findings
    ]
    counts = {"failures": 0, "errors": 0, "skipped": 0}
    for resource in evaluated:
        outcome = _testcase(suite, policy_id, resource, findings.get((policy_id, resource.id), []))
        if outcome:
            counts[outcome] += 1
    suite.set("tests", str(len(evaluated)))
    for counter, count in counts.items():
        suite.set(counter, str(count))
    return suite


def _testcase(suite: ET.Element, policy_id: str, resource: ResourceRef, found: list[Finding]) -> str:
    """Adds the case and returns which counter it raises ('' when it passed)."""
    case = ET.SubElement(suite, "testcase", name=_xml_text(resource.id), classname=policy_id, time="0")
    case.set("file", _xml_text(resource.source))
    if resource.line is not None:
        case.set("line", str(resource.line))
    errors = [f for f in found if not f.waived and f.outcome is Outcome.ERROR]
    violations = [f for f in found if not f.waived and f.outcome is Outcome.VIOLATION]
    waived = [(f, f.waiver) for f in found if f.waiver is not None]
    warnings = [f for f in found if not f.waived and f.outcome is Outcome.WARNING]
    counter = ""
    if errors or violations:
        tag, failing, counter = ("error", errors, "errors") if errors else ("failure", violations, "failures")
        element = ET.SubElement(
            case,
            tag,
            message=_xml_text("; ".join(f.message for f in failing)),
            type=failing[0].severity.value,
        )
        element.text = _xml_text("\n\n".join(_describe(f) for f in failing))
    elif waived:
        waiver_notes = [_waiver_note(waiver) for _, waiver in waived]
        ET.SubElement(case, "skipped", message=_xml_text("; ".join(waiver_notes)))
        counter = "skipped"
    notes = [f"warning: {f.message}" for f in warnings]
    if counter != "skipped":
        notes += [f"{_waiver_note(waiver)}: {f.message}" for f, waiver in waived]
    if notes:
        ET.SubElement(case, "system-out").text = _xml_text("\n".join(notes))
    return counter


def _describe(finding: Finding) -> str:
    lines = [f"[{finding.severity.value}] {finding.message}"]
    if finding.outcome is Outcome.ERROR:
        lines[0] = f"[{finding.severity.value}] evaluation error: {finding.message}"
    labels = regulation_labels(finding.regulations)
    if labels:
        lines.append(f"Regulations: {', '.join(labels)}")
    if finding.remediation:
        lines.append(f"Remediation: {finding.remediation}")
    return "\n".join(lines)


def _waiver_note(waiver: Waiver) -> str:
    return f"waived by {waiver.owner} until {waiver.expires.isoformat()}: {waiver.reason}"
