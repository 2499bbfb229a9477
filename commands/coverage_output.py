"""How `gavel policy coverage` prints: a table per framework for people, one JSON document for tools."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from ..engine.coverage import FrameworkCoverage, RequirementCoverage, Status


def render_json(reports: Sequence[FrameworkCoverage], problems: Sequence[str], today: date) -> str:
    document = {
        "as_of": today.isoformat(),
        "frameworks": [report.to_document() for report in reports],
        "problems": list(problems),
    }
    return json.dumps(document, indent=2) + "\n"


def _detail(row: RequirementCoverage, framework: str) -> str:
    attestation = row.attestation
    if row.status in (Status.ATTESTED, Status.ATTESTATION_EXPIRED) and attestation is not None:
        verb = "until" if row.status is Status.ATTESTED else "expired"
        return f"{attestation.statement!r} by {attestation.by}, {verb} {attestation.expires}"
    if row.status is Status.ATTESTATION_MISSING:
        command = f"gavel attest {row.requirement.id!r} --framework {framework} ..."
        return f"needs `{command}`: {row.requirement.reason}"
    if row.status in (Status.OUT_OF_SCOPE, Status.DEPRECATED):
        return row.requirement.reason or "replaced by " + ", ".join(row.requirement.replaced_by)
    return ", ".join(row.policies)


def _headline(report: FrameworkCoverage) -> str:
    summary = report.summary()
    return (
        f"{report.framework.name}: {summary['satisfied']}/{summary['in_scope']} in-scope requirements met "
        f"({summary[Status.COVERED.value]} by policies, {summary[Status.ATTESTED.value]} attested); "
        f"awaiting attestation {summary[Status.ATTESTATION_MISSING.value]}, "
        f"attestation expired {summary[Status.ATTESTATION_EXPIRED.value]}, "
        f"uncovered {summary[Status.NOT_COVERED.value]}, out of scope {summary[Status.OUT_OF_SCOPE.value]} "
        f"- {report.framework.title}"
    )


def render_text(reports: Sequence[FrameworkCoverage], problems: Sequence[str], today: date) -> str:
    lines = []
    for report in reports:
        lines.append(_headline(report))
        width = max(len(row.requirement.id) for row in report.requirements)
        lines.append(f"  {'REQUIREMENT':<{width}}  {'STATUS':<19}  {'POLICIES':>8}  DETAIL")
        for row in report.requirements:
            status = f"{row.requirement.id:<{width}}  {row.status.value:<19}  {len(row.policies):>8}"
            lines.append(f"  {status}  {_detail(row, report.framework.name)}")
        lines.append("")
    if problems:
        lines.append(f"{len(problems)} mapping problems:")
        lines.extend(f"  {problem}" for problem in problems)
    lines.append(f"as of {today.isoformat()}")
    return "\n".join(lines) + "\n"
