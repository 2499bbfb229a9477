"""A placement in words and as a document: what to run where, what it costs, and why not cheaper.

One document builder serves `--format json` and the evidence record, so what a user reads and
what an auditor verifies say the same thing. Costs are written as decimal strings (evidence
refuses floats, and a price must not drift by a rounding). The text form leads with the answer,
then the runners-up with their premium, then every cheaper candidate and the policies that
rejected it, then what did not fit at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .placement_model import Change, Fix, Judged, Offer, Placement, Workload

MAX_TEXT_ROWS = 20
_REGIONS_LISTED = 8


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def offer_document(offer: Offer) -> dict[str, Any]:
    candidate = offer.candidate
    return {
        "candidate": candidate.id,
        "cloud": candidate.cloud,
        "region": candidate.region,
        "zone": candidate.zone,
        "node_pool": candidate.node_pool,
        "instance_type": candidate.instance_type,
        "accelerator": candidate.accelerator,
        "accelerators_per_node": candidate.accelerators_per_node,
        "nodes": offer.nodes,
        "capacity": offer.capacity,
        "hourly_cost": str(offer.cost),
    }


def _judged_document(judged: Judged) -> dict[str, Any]:
    return {
        **offer_document(judged.offer),
        "risk": f"{judged.verdict.risk:g}",
        "rejected_by": list(judged.verdict.rejected_by),
        "complete": judged.verdict.complete,
    }


def _rejected_document(judged: Judged) -> dict[str, Any]:
    findings = [
        {
            "policy_id": f.policy_id,
            "severity": f.severity.value,
            "resource": f.resource.id,
            "message": f.message,
        }
        for f in judged.verdict.findings
        if f.blocking
    ]
    return {**_judged_document(judged), "findings": findings}


def fix_document(fix: Fix) -> dict[str, Any]:
    return {
        "candidate": fix.offer.candidate.id,
        "alternatives": [
            [{"attribute": change.attribute, "values": list(change.values)} for change in alternative]
            for alternative in fix.alternatives
        ],
        "tried": list(fix.tried),
    }


def placement_document(placement: Placement, workload: Workload, catalog_source: str) -> dict[str, Any]:
    """The whole answer as JSON-ready data (no floats), for `--format json` and evidence."""
    return {
        "summary": {
            "workload": workload.name,
            "catalog": catalog_source,
            "classification": workload.classification,
            "candidates": placement.candidates,
            "offers": placement.offers,
            "misfits": len(placement.misfits),
            "judged": placement.judged,
            "evaluations": placement.evaluations,
            "max_risk": f"{placement.max_risk:g}",
            "compliant": placement.chosen is not None,
        },
        "chosen": _judged_document(placement.chosen) if placement.chosen else None,
        "runners_up": [_judged_document(j) for j in placement.runners_up],
        "rejected": [_rejected_document(j) for j in placement.rejected],
        "misfits": [{"candidate": m.candidate.id, "reasons": list(m.reasons)} for m in placement.misfits],
        "fix": fix_document(placement.fix) if placement.fix else None,
    }


def describe_offer(offer: Offer, currency: str = "USD") -> str:
    """One line: `aws-euc1-p5: aws eu-central-1a, node pool gpu-h100, 1 x p5.48xlarge
    (8 x nvidia-h100-80gb), on-demand, USD 63.30/h`."""
    candidate = offer.candidate
    where = candidate.zone or candidate.region
    if candidate.cloud == "azure" and candidate.zone:
        where = f"{candidate.region} zone {candidate.zone}"
    pool = f"node pool {candidate.node_pool}, " if candidate.node_pool else ""
    devices = (
        f" ({candidate.accelerators_per_node} x {candidate.accelerator})" if candidate.accelerator else ""
    )
    machines = f"{offer.nodes} x {candidate.instance_type}{devices}"
    price = f"{currency} {_money(offer.cost)}/h"
    return f"{candidate.id}: {candidate.cloud} {where}, {pool}{machines}, {offer.capacity}, {price}"


def describe_change(change: Change, regions: Mapping[str, Any]) -> str:
    """One change in words; regions are summarised by the jurisdiction they share."""
    if change.attribute == "region":
        entries = [regions.get(name, {}) for name in change.values]
        if all(e.get("eea") for e in entries):
            kind = "an EEA region"
        elif all(e.get("eea") or e.get("adequacy") for e in entries):
            kind = "an EEA region or one with an EU adequacy decision"
        else:
            kind = "one of these regions"
        names = ", ".join(sorted(change.values)[:_REGIONS_LISTED])
        more = len(change.values) - _REGIONS_LISTED
        return f"move to {kind}: {names}" + (f" (+{more} more)" if more > 0 else "")
    if change.attribute == "encryption":
        return "enable customer-managed key (CMK) encryption"
    if change.attribute == "gpu_sharing":
        return "use dedicated GPUs (no time-sharing or MPS)"
    if change.attribute == "confidential_computing":
        return "enable confidential computing"
    return f"set {change.attribute} to one of: {', '.join(change.values)}"


def fix_lines(fix: Fix, regions: Mapping[str, Any], currency: str) -> list[str]:
    head = f"Smallest change for the cheapest candidate, {describe_offer(fix.offer, currency)}:"
    if not fix.alternatives:
        tried = ", ".join(fix.tried) or "nothing"
        return [head, f"  no change of one or two of {tried} makes it comply"]
    lines = [head]
    for index, alternative in enumerate(fix.alternatives):
        prefix = "  - " if index == 0 else "  - or "
        lines.append(prefix + " and ".join(describe_change(change, regions) for change in alternative))
    return lines


def render_text(
    placement: Placement, workload: Workload, regions: Mapping[str, Any], currency: str = "USD"
) -> str:
    lines: list[str] = []
    chosen = placement.chosen
    if chosen is not None:
        lines += ["Cheapest compliant placement", f"  {describe_offer(chosen.offer, currency)}"]
        lines += _risk_line(chosen)
    else:
        lines.append(f"No compliant placement for {workload.name}.")
    if placement.runners_up:
        lines += ["", "Runners-up"]
        base = chosen.offer.cost if chosen else Decimal(0)
        for rank, judged in enumerate(placement.runners_up, start=2):
            premium = judged.offer.cost - base
            lines.append(f"  {rank}. {describe_offer(judged.offer, currency)} (+{_money(premium)})")
    if placement.rejected:
        lines += [
            "",
            "Rejected by policy (cheaper, or between the runners-up; >= where judging stopped early)",
        ]
        for judged in placement.rejected[:MAX_TEXT_ROWS]:
            verdict = judged.verdict
            policies = ", ".join(verdict.rejected_by) or "; ".join(verdict.reasons)
            risk = f"risk {verdict.risk:g}" if verdict.complete else f"risk >= {verdict.risk:g}"
            lines.append(f"  {describe_offer(judged.offer, currency)}")
            lines.append(f"      {risk}: {policies}")
        lines += _more(len(placement.rejected))
    if placement.misfits:
        lines += ["", f"Cannot run the workload ({len(placement.misfits)})"]
        for misfit in placement.misfits[:MAX_TEXT_ROWS]:
            lines.append(f"  {misfit.candidate.id}: {'; '.join(misfit.reasons)}")
        lines += _more(len(placement.misfits))
    if placement.fix is not None:
        lines += ["", *fix_lines(placement.fix, regions, currency)]
    lines += [
        "",
        f"Judged {placement.judged} of {placement.offers} placements from {placement.candidates} catalog "
        f"entries ({len(placement.misfits)} cannot run it); {placement.evaluations} policy evaluations, "
        f"the rest reused; max risk {placement.max_risk:g}.",
    ]
    return "\n".join(lines) + "\n"


def _risk_line(judged: Judged) -> list[str]:
    warnings = [f for f in judged.verdict.findings if not f.blocking]
    text = f"  risk {judged.verdict.risk:g}"
    return [text + (f", {len(warnings)} warning(s) or waived finding(s)" if warnings else "")]


def _more(count: int) -> list[str]:
    return [f"  ... {count - MAX_TEXT_ROWS} more (see --format json)"] if count > MAX_TEXT_ROWS else []
