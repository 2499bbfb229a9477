"""Compliance-constrained placement: min C(x) subject to R(x) <= rho (DESIGN.md section 8).

X is every offer of every catalog entry that can run the workload at all (right accelerator,
enough of them and of memory, customer-managed keys when required, inside the owner's pinned
clouds, regions and pools). Each offer is judged by the policy set that gates CI and admission,
through the resources it would create (`placement_resources`); R(x) is the library's risk score
of their findings and the gate is the one `gavel check` applies. The search is exact, not a
heuristic: offers are walked in (cost, id, capacity) order, each judged until the cheapest
feasible one and K runners-up are found, so every offer cheaper than the answer was judged and
rejected, and no offer after the last runner-up can change the answer.

Each distinct generated resource is evaluated once: the judge memoises findings on the digest
of the document the policies see, so catalogs that list the same pool at several prices (on
demand, spot, reserved) or the same bucket for every pool of a region cost one evaluation.
Resources are judged one at a time, as the admission webhook judges an object, in an estate that
holds only the candidate-independent baseline (`placement_resources.baseline`); the generated
documents carry everything else a policy reads about them (classification labels, inline
encryption, bucket policy, lifecycle and logging), so no finding depends on a sibling resource.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from .estate import build_estate
from .evaluate import PreparedEvaluation
from .loader import PolicySet
from .models import Decision, Finding, GatePolicy, Resource, Waiver
from .placement_model import (
    ON_DEMAND,
    SPOT,
    Candidate,
    Catalog,
    Judged,
    Misfit,
    Offer,
    Placement,
    Verdict,
    Workload,
)
from .placement_resources import GENERATED_KINDS, Materialiser, baseline
from .rego import RegoRuntime
from .risk import DEFAULT_WEIGHTS, judge, risk_score


def policies_in_force(policy_set: PolicySet, frameworks: Sequence[str]) -> PolicySet:
    """Only the policies mapped to one of `frameworks` (all of them when none is named)."""
    if not frameworks:
        return policy_set
    kept = tuple(
        p for p in policy_set.policies if any(r.framework in frameworks for r in p.metadata.regulations)
    )
    return dataclasses.replace(policy_set, policies=kept)


def _digest(document: Mapping[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class PlacementJudge:
    """A policy set prepared once for the kinds placements create, judging resources with a memo.

    Thread-affine like its runtime. One judge serves many workloads and catalogs (the admission
    webhook keeps one per worker); `evaluations` counts the policy evaluations actually run.
    `counts` keeps only some findings in verdicts: an alternative to a misplaced workload must
    clear the placement findings, not the workload's own unrelated ones (its image, say).
    """

    def __init__(
        self,
        policy_set: PolicySet,
        runtime: RegoRuntime,
        *,
        gate: GatePolicy,
        now: datetime,
        waivers: Sequence[Waiver] = (),
        counts: Callable[[Finding], bool] | None = None,
    ):
        self.policy_set = policy_set
        self._counts = counts
        self.gate = gate
        self.now = now
        self._waivers = tuple(waivers)
        self._prepared = PreparedEvaluation(policy_set, runtime, GENERATED_KINDS, build_estate(baseline(now)))
        self._weights = policy_set.data.get("risk", {}).get("weights", DEFAULT_WEIGHTS)
        self._memo: dict[str, tuple[Finding, ...]] = {}
        self.evaluations = 0

    def findings(self, resource: Resource) -> tuple[Finding, ...]:
        estate = build_estate([resource])
        key = _digest(estate.input_document(resource.id))
        cached = self._memo.get(key)
        if cached is None:
            decision = self._prepared.judge(estate, waivers=self._waivers, gate=self.gate, now=self.now)
            cached = self._memo[key] = decision.findings
            self.evaluations += 1
        return cached

    def verdict(self, resources: Sequence[Resource], *, complete: bool = False) -> Verdict:
        """R(x) and the gate over the findings of every resource of an offer.

        Resources are judged from the most shared (the region's bucket) to the least (the
        zone-pinned Job) and, unless `complete`, judging stops once the offer fails: more findings
        can only fail it further (R only grows, reasons only add up), so feasibility stays exact
        while a rejected offer names the policies found by then (`Verdict.complete` is False).
        """
        findings: list[Finding] = []
        pending = list(reversed(resources))
        risk, passed = 0.0, True
        reasons: tuple[str, ...] = ()
        while pending:
            found = self.findings(pending.pop(0))
            findings.extend(f for f in found if self._counts is None or self._counts(f))
            risk = risk_score(findings, self._weights)
            passed, reasons = judge(findings, risk, self.gate)
            if not passed and not complete:
                break
        return Verdict(tuple(findings), risk, passed, reasons, complete=not pending)

    def decision(self, resources: Sequence[Resource], verdict: Verdict, reasons: Sequence[str]) -> Decision:
        """The verdict as a `Decision`, the shape evidence records and reports render."""
        return Decision(
            findings=verdict.findings,
            resources=tuple(r.ref() for r in resources),
            risk=verdict.risk,
            gate=self.gate,
            passed=verdict.passed,
            reasons=tuple(reasons),
            expired_waivers=(),
            policy_ids=tuple(p.id for p in self.policy_set.policies),
            bundle_digest=self._prepared.bundle_digest,
            runtime=self._prepared.runtime_version,
            evaluated_at=self.now,
        )


def misfit_reasons(workload: Workload, candidate: Candidate) -> tuple[str, ...]:
    """Why the candidate cannot run the workload whatever the policies say; empty when it can."""
    pins = workload.constraints
    reasons = []
    if pins.clouds and candidate.cloud not in pins.clouds:
        reasons.append(f"cloud {candidate.cloud} is not pinned ({', '.join(pins.clouds)})")
    if pins.regions and candidate.region not in pins.regions:
        reasons.append(f"region {candidate.region} is not pinned ({', '.join(pins.regions)})")
    if pins.region_prefixes and not candidate.region.startswith(pins.region_prefixes):
        reasons.append(f"region {candidate.region} does not start with {' or '.join(pins.region_prefixes)}")
    if pins.node_pools and candidate.node_pool not in pins.node_pools:
        reasons.append(f"node pool {candidate.node_pool or '(none: a VM)'} is not pinned")
    need = workload.accelerator
    if need is not None:
        if not candidate.accelerator or candidate.accelerators_per_node < 1:
            reasons.append(f"no accelerators; needs {need.count} x {need.model or 'any model'}")
        elif need.model is not None and candidate.accelerator != need.model:
            reasons.append(f"offers {candidate.accelerator}, needs {need.model}")
    if workload.memory_gib is not None:
        nodes = nodes_needed(workload, candidate)
        if candidate.memory_gib * nodes < workload.memory_gib:
            reasons.append(
                f"{candidate.memory_gib * nodes} GiB memory on {nodes} node(s), needs {workload.memory_gib}"
            )
    if workload.cmk_required and not candidate.cmk:
        reasons.append("no customer-managed key encryption, which the workload requires")
    return tuple(reasons)


def nodes_needed(workload: Workload, candidate: Candidate) -> int:
    if workload.accelerator is None or candidate.accelerators_per_node < 1:
        return 1
    return math.ceil(workload.accelerator.count / candidate.accelerators_per_node)


def offers_of(workload: Workload, candidate: Candidate) -> list[Offer]:
    """The ways to buy a fitting candidate: on demand, and spot when the workload accepts it."""
    nodes = nodes_needed(workload, candidate)
    offers = [Offer(candidate, ON_DEMAND, nodes, candidate.hourly_cost * nodes)]
    availability = candidate.spot_availability
    spot_ok = availability is not None and availability >= workload.min_spot_availability
    if availability is None:
        spot_ok = workload.min_spot_availability == 0
    if workload.spot_allowed and candidate.spot_price is not None and spot_ok:
        offers.append(Offer(candidate, SPOT, nodes, candidate.spot_price * nodes))
    return offers


def place(
    workload: Workload,
    catalog: Catalog,
    placement_judge: PlacementJudge,
    materialiser: Materialiser,
    *,
    top: int = 3,
) -> Placement:
    """The cheapest compliant offer and up to `top` runners-up; see the module docstring."""
    misfits: list[Misfit] = []
    offers: list[Offer] = []
    for candidate in catalog.candidates:
        reasons = misfit_reasons(workload, candidate)
        if reasons:
            misfits.append(Misfit(candidate, reasons))
        else:
            offers.extend(offers_of(workload, candidate))
    offers.sort(key=lambda offer: offer.key)
    before = placement_judge.evaluations
    feasible: list[Judged] = []
    rejected: list[Judged] = []
    for offer in offers:
        verdict = placement_judge.verdict(materialiser.materialise(workload, offer))
        (feasible if verdict.passed else rejected).append(Judged(offer, verdict))
        if len(feasible) > top:
            break
    return Placement(
        chosen=feasible[0] if feasible else None,
        runners_up=tuple(feasible[1:]),
        rejected=tuple(rejected),
        misfits=tuple(misfits),
        candidates=len(catalog.candidates),
        offers=len(offers),
        judged=len(feasible) + len(rejected),
        evaluations=placement_judge.evaluations - before,
        max_risk=float(placement_judge.gate.max_risk or 0),
    )
