"""The resource model every adapter normalises into, and what evaluation produces from it.

All models are frozen: a resource collected from a plan or a cluster is a fact with provenance,
and findings and decisions are derived from facts, never edited after the fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad a finding is; ordered, so `--fail-on high` means high and critical."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_SEVERITY_ORDER = list(Severity)


class Outcome(StrEnum):
    """What a policy said about a resource: a `deny` (violation), a `warn`, or it could not decide."""

    VIOLATION = "violation"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Provenance:
    """Where a resource came from, so any finding can be traced back to its source document."""

    adapter: str
    source: str
    source_digest: str
    collected_at: datetime
    line: int | None = None

    def to_document(self) -> dict[str, Any]:
        return {
            "adapter": self.adapter,
            "source": self.source,
            "source_digest": self.source_digest,
            "collected_at": self.collected_at.isoformat(),
            "line": self.line,
        }


@dataclass(frozen=True)
class Link:
    """A typed relation a resource declares to something named by an identity key.

    Adapters only know what their own document says ("this job reads s3://lake/users"); the estate
    graph resolves `target` against the identities of every collected resource, so an edge exists
    only when both ends were collected. Keys are built with `engine.identities`.
    """

    type: str
    target: str


@dataclass(frozen=True)
class Resource:
    """One normalised piece of state: a Terraform resource, a Kubernetes object, a dataset, a job.

    `kind` is the source's own type name: the Terraform resource type (`aws_s3_bucket`) for
    infrastructure, the Kubernetes `kind` (`Deployment`) for cluster objects. `attributes` is the
    source's own document (Terraform's planned values, the whole Kubernetes object), unchanged,
    so policies written against the upstream shape keep working.
    """

    id: str
    kind: str
    name: str
    platform: str
    attributes: Mapping[str, Any]
    provenance: Provenance
    labels: Mapping[str, str] = field(default_factory=dict)
    region: str | None = None
    namespace: str | None = None
    action: str | None = None
    identities: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    # Attribute paths (keys and list indices) whose value is known only after apply (Terraform's
    # `after_unknown`): absent from `attributes`, which must not read as missing or false.
    unknown: tuple[tuple[str | int, ...], ...] = ()

    def ref(self) -> ResourceRef:
        return ResourceRef(
            id=self.id,
            kind=self.kind,
            source=self.provenance.source,
            line=self.provenance.line,
        )

    def to_document(self) -> dict[str, Any]:
        """The JSON document a policy sees as `input.resource` (before estate enrichment)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "platform": self.platform,
            "attributes": self.attributes,
            "labels": dict(self.labels),
            "region": self.region,
            "namespace": self.namespace,
            "action": self.action,
            "source": {"file": self.provenance.source, "line": self.provenance.line},
            "unknown": [list(path) for path in self.unknown],
        }


@dataclass(frozen=True)
class ResourceRef:
    """The part of a resource a report needs to point a reader at it."""

    id: str
    kind: str
    source: str
    line: int | None = None


@dataclass(frozen=True)
class Regulation:
    """An article or requirement of a regulatory framework, e.g. GDPR Art. 32."""

    framework: str
    article: str

    def __str__(self) -> str:
        return f"{self.framework} {self.article}"


@dataclass(frozen=True)
class Waiver:
    """An accepted, owned and expiring exception for one policy on selected resources."""

    policy_id: str
    selector: Mapping[str, Any]
    reason: str
    owner: str
    expires: date
    id: str = ""

    def is_expired(self, today: date) -> bool:
        return today > self.expires


@dataclass(frozen=True)
class Finding:
    """One policy's verdict on one resource: a violation, a warning or an evaluation error."""

    policy_id: str
    title: str
    severity: Severity
    outcome: Outcome
    resource: ResourceRef
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)
    controls: tuple[str, ...] = ()
    regulations: tuple[Regulation, ...] = ()
    remediation: str = ""
    waiver: Waiver | None = None

    @property
    def waived(self) -> bool:
        return self.waiver is not None

    @property
    def blocking(self) -> bool:
        """Counts against the gate: unwaived violations and evaluation errors (never a silent pass)."""
        return not self.waived and self.outcome in (Outcome.VIOLATION, Outcome.ERROR)


@dataclass(frozen=True)
class GatePolicy:
    """The thresholds a run is judged by: `--fail-on` severity and the risk budget (rho)."""

    fail_on: Severity = Severity.HIGH
    max_risk: float | None = None


@dataclass(frozen=True)
class Decision:
    """The outcome of one validation run over an estate; what reports render and evidence signs."""

    findings: tuple[Finding, ...]
    resources: tuple[ResourceRef, ...]
    risk: float
    gate: GatePolicy
    passed: bool
    reasons: tuple[str, ...]
    expired_waivers: tuple[Waiver, ...]
    policy_ids: tuple[str, ...]
    bundle_digest: str
    runtime: str
    evaluated_at: datetime

    def by_severity(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in Severity}
        for finding in self.findings:
            if finding.outcome is not Outcome.WARNING and not finding.waived:
                counts[finding.severity.value] += 1
        return counts


@dataclass(frozen=True)
class EvidenceReceipt:
    """Where a decision was recorded in the evidence log, for reports to cite."""

    log_index: int
    record_digest: str
