"""SARIF 2.1.0 for GitHub code scanning and any other SARIF viewer.

GitHub turns `properties.security-severity` on a rule into its critical/high/medium/low buckets
(9.0 and above critical, 7.0-8.9 high, 4.0-6.9 medium, 3.9 and below low). Gavel's severities
map to the middle of each bucket; `info` maps to 0.0, GitHub's lowest (low) bucket, since
code scanning has no informational one:

    critical 9.5 | high 8.0 | medium 5.5 | low 3.0 | info 0.0

Alerts must survive edits, so `partialFingerprints.primaryLocationLineHash` is derived from the
rule, the file and the resource id, never from the line number or its content (a fingerprint
present in the file is not recomputed by the upload action). Waived findings stay in the file
as suppressed results, so the alert is closed as accepted rather than lost.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ..engine.metadata import PolicyMetadata
from ..engine.models import Decision, Finding, Outcome, Regulation, Severity
from .base import ReportContext
from .json_encoding import pretty_json
from .summary import Summary, frameworks, ordered_findings, regulation_labels, source_path

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://gavel.dev"

SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}

_URI_SAFE = "/-._~!$&'()*+,;=:@"


def result_level(severity: Severity, outcome: Outcome) -> str:
    """`error` for high/critical violations and evaluation errors, `warning` for medium violations
    and for warnings, `note` for low and info."""
    if outcome is Outcome.ERROR:
        return "error"
    if outcome is Outcome.WARNING:
        return "warning"
    if severity.at_least(Severity.HIGH):
        return "error"
    if severity is Severity.MEDIUM:
        return "warning"
    return "note"


def artifact_uri(source: str) -> str:
    """A relative, forward-slash, percent-encoded URI; sources that are already URIs stay as they are."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source):
        return source
    return quote(source_path(source), safe=_URI_SAFE)


def fingerprint(policy_id: str, uri: str, resource_id: str) -> str:
    return hashlib.sha256("\x00".join((policy_id, uri, resource_id)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class _Rule:
    """What SARIF says about a policy, from its metadata or, lacking that, from its findings."""

    id: str
    title: str
    description: str
    severity: Severity
    controls: tuple[str, ...]
    regulations: tuple[Regulation, ...]
    remediation: str

    @classmethod
    def from_metadata(cls, policy: PolicyMetadata) -> _Rule:
        return cls(
            id=policy.id,
            title=policy.title,
            description=policy.description or policy.title,
            severity=policy.severity,
            controls=policy.controls,
            regulations=policy.regulations,
            remediation=policy.remediation,
        )

    @classmethod
    def from_findings(cls, findings: list[Finding]) -> _Rule:
        first = findings[0]
        title = first.title or first.policy_id
        return cls(
            id=first.policy_id,
            title=title,
            description=title,
            severity=max((f.severity for f in findings), key=lambda s: s.rank),
            controls=tuple(sorted({c for f in findings for c in f.controls})),
            regulations=tuple(sorted({r for f in findings for r in f.regulations}, key=str)),
            remediation=first.remediation,
        )

    def to_document(self) -> dict[str, Any]:
        labels = regulation_labels(self.regulations)
        help_text = [self.description]
        if self.remediation:
            help_text.append(f"Remediation: {self.remediation}")
        if labels:
            help_text.append(f"Regulations: {', '.join(labels)}")
        if self.controls:
            help_text.append(f"Controls: {', '.join(self.controls)}")
        return {
            "id": self.id,
            "name": "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", self.id)),
            "shortDescription": {"text": self.title},
            "fullDescription": {"text": self.description},
            "help": {"text": "\n\n".join(help_text), "markdown": self._markdown()},
            "defaultConfiguration": {"level": result_level(self.severity, Outcome.VIOLATION)},
            "properties": {
                "security-severity": SECURITY_SEVERITY[self.severity],
                "severity": self.severity.value,
                "tags": ["security", "compliance", *frameworks(self.regulations)],
            },
        }

    def _markdown(self) -> str:
        parts = [f"**{self.title}**"]
        if self.description != self.title:
            parts.append(self.description)
        if self.remediation:
            parts.append(f"### Remediation\n\n{self.remediation}")
        if self.regulations:
            rows = [
                f"| {_cell(r.framework)} | {_cell(r.article)} |"
                for r in sorted(set(self.regulations), key=lambda r: (r.framework, r.article))
            ]
            parts.append("### Regulations\n\n| Framework | Article |\n| --- | --- |\n" + "\n".join(rows))
        if self.controls:
            parts.append("### Controls\n\n" + ", ".join(f"`{control}`" for control in self.controls))
        return "\n\n".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


class SarifReport:
    """One SARIF run: every policy as a rule, every finding as a result."""

    name = "sarif"

    def render(self, decision: Decision, context: ReportContext) -> bytes:
        findings = ordered_findings(decision.findings)
        rules = _rules(context, findings)
        index = {rule.id: position for position, rule in enumerate(rules)}
        seen: Counter[str] = Counter()
        results = []
        for finding in findings:
            result = _result(finding, index[finding.policy_id])
            primary = result["partialFingerprints"]["primaryLocationLineHash"]
            seen[primary] += 1
            result["partialFingerprints"]["primaryLocationLineHash"] = f"{primary}:{seen[primary]}"
            results.append(result)
        has_errors = any(f.outcome is Outcome.ERROR and not f.waived for f in findings)
        document = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "gavel",
                            "version": context.tool_version,
                            "semanticVersion": context.tool_version,
                            "informationUri": INFORMATION_URI,
                            "rules": [rule.to_document() for rule in rules],
                        }
                    },
                    "invocations": [
                        {
                            "executionSuccessful": not has_errors,
                            "exitCode": 0 if decision.passed else 1,
                            "exitCodeDescription": Summary.of(decision).line(),
                            "endTimeUtc": _utc(decision.evaluated_at),
                        }
                    ],
                    "results": results,
                    "properties": _run_properties(decision, context),
                }
            ],
        }
        return pretty_json(document)


def _rules(context: ReportContext, findings: list[Finding]) -> list[_Rule]:
    rules = {policy.id: _Rule.from_metadata(policy) for policy in context.policies}
    by_policy: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.policy_id not in rules:
            by_policy.setdefault(finding.policy_id, []).append(finding)
    rules.update({policy_id: _Rule.from_findings(found) for policy_id, found in by_policy.items()})
    return [rules[policy_id] for policy_id in sorted(rules)]


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    resource = finding.resource
    uri = artifact_uri(resource.source)
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if resource.line is not None:
        physical["region"] = {"startLine": resource.line}
    prefix = "evaluation error: " if finding.outcome is Outcome.ERROR else ""
    result: dict[str, Any] = {
        "ruleId": finding.policy_id,
        "ruleIndex": rule_index,
        "level": result_level(finding.severity, finding.outcome),
        "message": {"text": f"{prefix}{resource.id}: {finding.message}"},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": resource.id, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint(finding.policy_id, uri, resource.id)},
        "properties": {
            "severity": finding.severity.value,
            "outcome": finding.outcome.value,
            "resourceKind": resource.kind,
            "regulations": regulation_labels(finding.regulations),
        },
    }
    if finding.waiver is not None:
        waiver = finding.waiver
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": (
                    f"{waiver.reason} (waiver owner {waiver.owner}, expires {waiver.expires.isoformat()})"
                ),
            }
        ]
    return result


def _utc(moment: datetime) -> str:
    """SARIF times are UTC with a `Z`; a naive time is taken as UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _run_properties(decision: Decision, context: ReportContext) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "risk": decision.risk,
        "maxRisk": decision.gate.max_risk,
        "passed": decision.passed,
        "reasons": list(decision.reasons),
        "runtime": decision.runtime,
        "bundleDigest": decision.bundle_digest,
    }
    if context.evidence is not None:
        properties["evidence"] = {
            "logIndex": context.evidence.log_index,
            "recordDigest": context.evidence.record_digest,
        }
    return properties
