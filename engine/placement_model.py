"""What compliance-constrained placement reasons about: a workload, a catalog, offers and verdicts.

DESIGN.md section 8: over the deployable configurations X, minimise cost C(x) subject to the
regulatory risk R(x) <= rho. A catalog entry is a place the workload could run (a node pool or an
instance type in a region); an `Offer` is one x in X: an entry bought on demand or as spot
capacity, with the number of nodes the workload needs and what that costs per hour. Costs are
`Decimal`, so adding and comparing list prices is exact and they can be signed as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .models import Finding

CLOUDS = ("aws", "gcp", "azure")
GPU_SHARING = ("none", "mig", "time-sharing", "mps")
ENCRYPTION_OPTIONS = ("provider-managed", "cmk")
ON_DEMAND = "on-demand"
SPOT = "spot"


@dataclass(frozen=True)
class AcceleratorNeed:
    """How many devices the workload needs, and of which model (None: any model will do)."""

    count: int
    model: str | None = None


@dataclass(frozen=True)
class Constraints:
    """Pins the workload's owner set regardless of policy: only these clouds, regions, pools."""

    clouds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    region_prefixes: tuple[str, ...] = ()
    node_pools: tuple[str, ...] = ()


@dataclass(frozen=True)
class Workload:
    """A job to place: what data it touches, what it needs, and the rules its owner pins.

    `classification` and `jurisdictions` describe the data the job reads; when the workload names
    lineage jobs or datasets instead, they are derived from lineage documents before placing.
    """

    name: str
    namespace: str = "default"
    classification: str | None = None
    jurisdictions: tuple[str, ...] = ()
    accelerator: AcceleratorNeed | None = None
    memory_gib: Decimal | None = None
    cmk_required: bool = False
    frameworks: tuple[str, ...] = ()
    constraints: Constraints = field(default_factory=Constraints)
    spot_allowed: bool = False
    min_spot_availability: Decimal = Decimal(0)
    storage: bool = True
    retention_days: int = 365
    image: str = ""
    cpu: Decimal = Decimal(4)
    environment: str | None = None
    lineage_jobs: tuple[str, ...] = ()
    lineage_datasets: tuple[str, ...] = ()
    source: str = "workload"
    source_digest: str = ""


@dataclass(frozen=True)
class Candidate:
    """One catalog entry: a node pool (Kubernetes) or an instance type (a VM) in one place."""

    id: str
    cloud: str
    region: str
    instance_type: str
    hourly_cost: Decimal
    memory_gib: Decimal
    zone: str | None = None
    node_pool: str | None = None
    accelerator: str | None = None
    accelerators_per_node: int = 0
    confidential_computing: bool = False
    gpu_sharing: str = "none"
    encryption: tuple[str, ...] = ("provider-managed",)
    spot_price: Decimal | None = None
    spot_availability: Decimal | None = None

    @property
    def kubernetes(self) -> bool:
        return self.node_pool is not None

    @property
    def cmk(self) -> bool:
        return "cmk" in self.encryption


@dataclass(frozen=True)
class Catalog:
    """Candidate placements and where they were read from (recorded as evidence)."""

    candidates: tuple[Candidate, ...]
    source: str = "catalog"
    source_digest: str = ""
    currency: str = "USD"


@dataclass(frozen=True)
class Offer:
    """One deployable configuration x: a candidate, how it is bought, how many nodes, its cost."""

    candidate: Candidate
    capacity: str
    nodes: int
    cost: Decimal

    @property
    def key(self) -> tuple[Decimal, str, str]:
        """The total order offers are walked in: cost, then catalog id, then capacity."""
        return (self.cost, self.candidate.id, self.capacity)

    @property
    def label(self) -> str:
        return self.candidate.id if self.capacity == ON_DEMAND else f"{self.candidate.id} ({SPOT})"


@dataclass(frozen=True)
class Misfit:
    """A catalog entry that cannot run the workload at all, and why (not a compliance question)."""

    candidate: Candidate
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    """The policies' judgement of one offer's generated resources: R(x) and the gate.

    An incomplete verdict stopped at the first resource that already failed the offer: its risk
    and policies are a lower bound of what judging every resource would find.
    """

    findings: tuple[Finding, ...]
    risk: float
    passed: bool
    reasons: tuple[str, ...]
    complete: bool = True

    @property
    def rejected_by(self) -> tuple[str, ...]:
        """The policies with a blocking finding, each once, in order."""
        return tuple(sorted({f.policy_id for f in self.findings if f.blocking}))


@dataclass(frozen=True)
class Judged:
    offer: Offer
    verdict: Verdict


@dataclass(frozen=True)
class Change:
    """One attribute of a candidate set to other values (any of `values` makes it comply)."""

    attribute: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Fix:
    """The smallest changes that would make the cheapest fitting candidate comply.

    Each alternative is a set of changes applied together; alternatives of one change are found
    before any of two. Empty when no change tried helps.
    """

    offer: Offer
    alternatives: tuple[tuple[Change, ...], ...]
    tried: tuple[str, ...]


@dataclass(frozen=True)
class Placement:
    """The optimiser's answer: the cheapest compliant offer, runners-up, and why others lost."""

    chosen: Judged | None
    runners_up: tuple[Judged, ...]
    rejected: tuple[Judged, ...]
    misfits: tuple[Misfit, ...]
    candidates: int
    offers: int
    judged: int
    evaluations: int
    max_risk: float
    fix: Fix | None = None
