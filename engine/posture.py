"""Compliance posture over a period: what the evidence store's queries produce and audit reports render.

A *check* is one applicable policy judging one resource in one recorded decision; it fails when
the decision holds a blocking result (an unwaived violation or an evaluation error) of that
policy for that resource. Pass rates are passed checks over checks, per framework, per
requirement (article) and per time bucket. The model lives in the engine because both the
evidence store (which fills it) and the report formats (which render it) may depend only on the
engine; it holds no I/O and no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .models import Regulation, Severity

WAIVER_EXPIRING_DAYS = 30


@dataclass(frozen=True)
class Rate:
    """Checks and failed checks; the pass rate is None when nothing was checked."""

    checks: int
    failed: int

    @property
    def passed(self) -> int:
        return self.checks - self.failed

    @property
    def pass_rate(self) -> float | None:
        return None if self.checks == 0 else self.passed / self.checks

    def percent(self) -> str:
        """`97.5%`, or `n/a` when nothing was checked; one rounding rule for every format."""
        rate = self.pass_rate
        return "n/a" if rate is None else f"{rate * 100:.1f}%"


@dataclass(frozen=True)
class PosturePoint:
    """Checks in one time bucket (a day or an ISO week starting `start`)."""

    start: date
    rate: Rate


@dataclass(frozen=True)
class RequirementPosture:
    """One article or requirement of a framework and the policies that test it."""

    article: str
    policies: tuple[str, ...]
    rate: Rate


@dataclass(frozen=True)
class FrameworkPosture:
    name: str
    policies: tuple[str, ...]
    rate: Rate
    series: tuple[PosturePoint, ...]
    requirements: tuple[RequirementPosture, ...]


@dataclass(frozen=True)
class EvidenceLink:
    """A signed record in the log: where it is and the digest of its exact envelope bytes."""

    log_index: int
    record_digest: str


@dataclass(frozen=True)
class FailingPolicy:
    policy_id: str
    title: str
    severity: Severity
    failures: int
    resources: int
    last_seen: datetime
    regulations: tuple[Regulation, ...]
    latest: EvidenceLink


@dataclass(frozen=True)
class FailingResource:
    resource_id: str
    kind: str
    failures: int
    policies: int
    last_seen: datetime
    latest: EvidenceLink


@dataclass(frozen=True)
class OpenResult:
    """A (policy, resource) pair with non-passing results in the period, for per-resource formats."""

    policy_id: str
    resource_id: str
    kind: str
    outcome: str
    severity: Severity
    occurrences: int
    last_seen: datetime
    waived: bool
    latest: EvidenceLink


@dataclass(frozen=True)
class WaiverUse:
    """A waiver seen in the period's decisions, its state as of the report date."""

    waiver_id: str
    policy_id: str
    owner: str
    reason: str
    expires: date
    applications: int
    last_applied: datetime | None
    status: str

    @staticmethod
    def status_of(expires: date, today: date) -> str:
        if today > expires:
            return "expired"
        return "expiring" if (expires - today).days <= WAIVER_EXPIRING_DAYS else "open"


@dataclass(frozen=True)
class AttestationRecord:
    """A manual attestation (or any record that is neither a decision nor log bookkeeping)."""

    kind: str
    recorded_at: datetime
    subjects: tuple[str, ...]
    details: tuple[tuple[str, str], ...]
    evidence: EvidenceLink


@dataclass(frozen=True)
class AdmissionDenial:
    evaluated_at: datetime
    operation: str
    resource: str
    user: str
    message: str
    policies: tuple[str, ...]
    evidence: EvidenceLink


@dataclass(frozen=True)
class Checkpoint:
    """The signed tree head the report was built from."""

    size: int
    root: str
    signed_at: str
    note: str


@dataclass(frozen=True)
class StoreIntegrity:
    """Whether the whole store verified against the trusted keys, and how far."""

    origin: str
    verified: bool
    entries: int
    checkpoints: int
    problem: str | None
    checkpoint: Checkpoint | None
    scope: str = ""  # what exactly was verified, in words (full, or incremental since a saved state)


@dataclass(frozen=True)
class Totals:
    decisions: int
    allowed: int
    denied: int
    resources: int
    by_source: tuple[tuple[str, int], ...]
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True)
class AuditSummary:
    """Everything an audit report shows; formats only lay it out."""

    generated_at: datetime
    tool_version: str
    since: datetime | None
    until: datetime | None
    bucket: str
    policy_set_digest: str
    frameworks: tuple[FrameworkPosture, ...]
    overall: Rate
    totals: Totals
    failing_policies: tuple[FailingPolicy, ...]
    failing_resources: tuple[FailingResource, ...]
    open_results: tuple[OpenResult, ...]
    open_results_truncated: bool
    waivers: tuple[WaiverUse, ...]
    attestations: tuple[AttestationRecord, ...]
    denials: tuple[AdmissionDenial, ...]
    unmapped_policies: tuple[str, ...]
    integrity: StoreIntegrity

    @property
    def empty(self) -> bool:
        return self.totals.decisions == 0

    def period_text(self) -> str:
        """The period as people read it (`until` is exclusive), else from the first to the last decision."""
        start = self.since or self.totals.first
        end = self.until - timedelta(microseconds=1) if self.until else self.totals.last
        left = start.date().isoformat() if start else "the first record"
        right = end.date().isoformat() if end else "the last record"
        return f"{left} to {right}"
