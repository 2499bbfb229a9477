"""What every output format says the same way: finding order, counts and the one-line verdict.

Formats differ in syntax, not in substance: a reader comparing the text table with the SARIF
upload or the JSON document must find the same findings in the same order and the same totals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..engine.models import Decision, Finding, Outcome, Regulation, Severity

_OUTCOME_ORDER = {Outcome.ERROR: 0, Outcome.VIOLATION: 1, Outcome.WARNING: 2}


def finding_sort_key(finding: Finding) -> tuple[int, str, str, int, str]:
    """Most severe first, then by resource, policy, outcome and message: a total, stable order."""
    return (
        -finding.severity.rank,
        finding.resource.id,
        finding.policy_id,
        _OUTCOME_ORDER[finding.outcome],
        finding.message,
    )


def ordered_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=finding_sort_key)


def regulation_labels(regulations: Iterable[Regulation]) -> list[str]:
    """`GDPR Art. 32`-style labels, sorted and without duplicates."""
    return sorted({str(regulation) for regulation in regulations})


def frameworks(regulations: Iterable[Regulation]) -> list[str]:
    return sorted({regulation.framework for regulation in regulations})


def format_risk(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Summary:
    """The totals of a decision.

    `findings` counts what weighs on the gate (unwaived violations and evaluation errors) and is
    the sum of `by_severity`; warnings and waived findings are counted on their own.
    """

    resources: int
    findings: int
    by_severity: dict[str, int]
    errors: int
    warnings: int
    waived: int
    risk: float
    max_risk: float | None
    passed: bool

    @classmethod
    def of(cls, decision: Decision) -> Summary:
        by_severity = decision.by_severity()
        unwaived = [finding for finding in decision.findings if not finding.waived]
        return cls(
            resources=len(decision.resources),
            findings=sum(by_severity.values()),
            by_severity=by_severity,
            errors=sum(1 for finding in unwaived if finding.outcome is Outcome.ERROR),
            warnings=sum(1 for finding in unwaived if finding.outcome is Outcome.WARNING),
            waived=sum(1 for finding in decision.findings if finding.waived),
            risk=decision.risk,
            max_risk=decision.gate.max_risk,
            passed=decision.passed,
        )

    def line(self) -> str:
        """E.g. `12 resources, 5 findings (2 critical, 3 high), 1 warning, risk 34.0 / max 20.0: FAILED`."""
        counts = [
            f"{self.by_severity[severity.value]} {severity.value}"
            for severity in reversed(Severity)
            if self.by_severity[severity.value]
        ]
        breakdown = ", ".join(counts)
        if self.errors:
            breakdown += f"; {_plural(self.errors, 'evaluation error')}"
        parts = [_plural(self.resources, "resource"), _plural(self.findings, "finding")]
        if breakdown:
            parts[-1] += f" ({breakdown})"
        if self.warnings:
            parts.append(_plural(self.warnings, "warning"))
        if self.waived:
            parts.append(f"{self.waived} waived")
        risk = f"risk {format_risk(self.risk)}"
        if self.max_risk is not None:
            risk += f" / max {format_risk(self.max_risk)}"
        parts.append(risk)
        return f"{', '.join(parts)}: {'PASSED' if self.passed else 'FAILED'}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def source_path(source: str) -> str:
    """A source path as code hosts show it: forward slashes, no leading `./`."""
    path = source.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path
