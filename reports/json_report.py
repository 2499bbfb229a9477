"""The machine-readable result of `gavel check`, in the shape DESIGN section 5 promises.

Scripts and dashboards parse this document, so its required keys never move or change name;
`schemas/check-result.schema.json` publishes the shape. Extra keys (outcome, waiver, gate,
provenance of the run) only add to it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..engine.models import Decision, Finding, Regulation, Waiver
from .base import ReportContext
from .json_encoding import pretty_json, with_sorted_keys
from .summary import Summary, ordered_findings

SCHEMA_VERSION = "1"


class JsonReport:
    """One JSON object per run, keys in a fixed order, nested free-form data sorted."""

    name = "json"

    def render(self, decision: Decision, context: ReportContext) -> bytes:
        summary = Summary.of(decision)
        document = {
            "schema_version": SCHEMA_VERSION,
            "summary": {
                "resources": summary.resources,
                "findings": summary.findings,
                "by_severity": summary.by_severity,
                "risk": summary.risk,
                "passed": summary.passed,
                "max_risk": summary.max_risk,
                "fail_on": decision.gate.fail_on.value,
                "errors": summary.errors,
                "warnings": summary.warnings,
                "waived": summary.waived,
                "reasons": list(decision.reasons),
            },
            "findings": [_finding(finding) for finding in ordered_findings(decision.findings)],
            "expired_waivers": [
                _waiver(waiver)
                for waiver in sorted(decision.expired_waivers, key=lambda w: (w.policy_id, w.expires, w.id))
            ],
            "evidence": (
                {"log_index": context.evidence.log_index, "record_digest": context.evidence.record_digest}
                if context.evidence is not None
                else None
            ),
            "run": {
                "tool": {"name": "gavel", "version": context.tool_version},
                "runtime": decision.runtime,
                "bundle_digest": decision.bundle_digest,
                "policies": sorted(decision.policy_ids),
                "evaluated_at": decision.evaluated_at.isoformat(),
            },
        }
        return pretty_json(document)


def _finding(finding: Finding) -> dict[str, Any]:
    resource = finding.resource
    return {
        "policy_id": finding.policy_id,
        "title": finding.title,
        "severity": finding.severity.value,
        "outcome": finding.outcome.value,
        "resource": {
            "id": resource.id,
            "kind": resource.kind,
            "source": resource.source,
            "location": {"file": resource.source, "line": resource.line},
        },
        "message": finding.message,
        "details": with_sorted_keys(finding.details),
        "controls": _sorted_controls(finding.controls),
        "regulations": _regulations(finding.regulations),
        "remediation": finding.remediation,
        "waived": finding.waived,
        "waiver": _waiver(finding.waiver) if finding.waiver is not None else None,
    }


@cache
def _sorted_controls(controls: tuple[str, ...]) -> list[str]:
    """A policy's controls in order; its findings share one list (a run has tens of thousands)."""
    return sorted(controls)


@cache
def _regulations(regulations: tuple[Regulation, ...]) -> list[dict[str, str]]:
    """A policy's regulations, sorted and without repeats; its findings share one list."""
    return [
        {"framework": regulation.framework, "article": regulation.article}
        for regulation in sorted(set(regulations), key=lambda r: (r.framework, r.article))
    ]


def _waiver(waiver: Waiver) -> dict[str, Any]:
    return {
        "id": waiver.id,
        "policy_id": waiver.policy_id,
        "selector": with_sorted_keys(waiver.selector),
        "reason": waiver.reason,
        "owner": waiver.owner,
        "expires": waiver.expires.isoformat(),
    }
