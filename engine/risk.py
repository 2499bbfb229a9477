"""The regulatory risk score R of a run and the gate that compares it with the budget rho.

R is the sum of the severity weights of unwaived violations and evaluation errors; weights are
data (`policies/data/risk.yaml`), so an organisation tunes them without touching code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .models import Finding, GatePolicy, Outcome

DEFAULT_WEIGHTS: Mapping[str, float] = {"info": 0, "low": 1, "medium": 3, "high": 7, "critical": 10}


def risk_score(findings: Iterable[Finding], weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> float:
    return float(sum(weights.get(f.severity.value, 0) for f in findings if f.blocking))


def judge(findings: Sequence[Finding], risk: float, gate: GatePolicy) -> tuple[bool, tuple[str, ...]]:
    """Whether the run passes, and every reason it does not."""
    reasons = []
    errors = [f for f in findings if f.blocking and f.outcome is Outcome.ERROR]
    if errors:
        reasons.append(f"{len(errors)} policy evaluation(s) failed (fail-closed)")
    over = [
        f
        for f in findings
        if f.blocking and f.outcome is Outcome.VIOLATION and f.severity.at_least(gate.fail_on)
    ]
    if over:
        reasons.append(f"{len(over)} violation(s) at or above {gate.fail_on.value}")
    if gate.max_risk is not None and risk > gate.max_risk:
        reasons.append(f"risk {risk:g} exceeds the maximum {gate.max_risk:g}")
    return not reasons, tuple(reasons)
