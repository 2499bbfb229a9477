"""The smallest change that would make a rejected candidate comply, found by asking the policies.

When nothing in the catalog complies, "rejected by gpu_personal_data_in_eea" does not say what to
buy instead. This search varies the cheapest fitting candidate one attribute at a time (region,
encryption, GPU sharing, confidential computing, node pool), then two at a time, and judges each
variant with the same judge as the catalog, so a suggestion is never a guess about what a policy
wants. Regions come from the regions table (the candidate's cloud, inside the workload's pins),
node pools from the approved pools of the placement data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

from .placement import PlacementJudge, misfit_reasons
from .placement_model import Candidate, Change, Fix, Offer, Workload
from .placement_resources import Materialiser

Variant = tuple[str, Mapping[str, Any]]
"""A value to try, as it reads in a suggestion, and the candidate fields that set it."""


def _regions(workload: Workload, candidate: Candidate, regions: Mapping[str, Any]) -> list[Variant]:
    variants: list[Variant] = []
    for name, entry in regions.items():
        if not isinstance(entry, Mapping) or entry.get("multi_region") or name == candidate.region:
            continue
        if entry.get("cloud", candidate.cloud) != candidate.cloud:
            continue
        fields: dict[str, Any] = {"region": str(name), "zone": None}
        if not misfit_reasons(workload, dataclasses.replace(candidate, **fields)):
            variants.append((str(name), fields))
    return variants


def _domains(
    workload: Workload, candidate: Candidate, regions: Mapping[str, Any], pools: Sequence[str]
) -> dict[str, list[Variant]]:
    """For each attribute, the values to try (each with the candidate fields that set it)."""
    domains: dict[str, list[Variant]] = {"region": _regions(workload, candidate, regions)}
    if not candidate.cmk:
        domains["encryption"] = [("cmk", {"encryption": (*candidate.encryption, "cmk")})]
    if candidate.gpu_sharing in ("time-sharing", "mps"):
        domains["gpu_sharing"] = [("none", {"gpu_sharing": "none"})]
    if not candidate.confidential_computing:
        domains["confidential_computing"] = [("true", {"confidential_computing": True})]
    if candidate.kubernetes:
        domains["node_pool"] = [(p, {"node_pool": p}) for p in pools if p != candidate.node_pool]
    return {name: values for name, values in domains.items() if values}


def smallest_change(
    workload: Workload,
    offer: Offer,
    placement_judge: PlacementJudge,
    materialiser: Materialiser,
    regions: Mapping[str, Any],
    approved_pools: Sequence[str] = (),
) -> Fix:
    """Every one-attribute change that makes `offer` comply; else every two-attribute one."""
    domains = _domains(workload, offer.candidate, regions, approved_pools)

    def complies(variants: Iterable[Variant]) -> bool:
        candidate = offer.candidate
        for _, fields in variants:
            candidate = dataclasses.replace(candidate, **fields)
        changed = dataclasses.replace(offer, candidate=candidate)
        return placement_judge.verdict(materialiser.materialise(workload, changed)).passed

    singles = []
    for attribute, variants in domains.items():
        passing = tuple(value for value, fields in variants if complies([(value, fields)]))
        if passing:
            singles.append((Change(attribute, passing),))
    if singles:
        return Fix(offer, tuple(singles), tuple(domains))
    pairs = []
    for first, second in combinations(domains, 2):
        for second_value, second_fields in domains[second]:
            passing = tuple(
                value
                for value, fields in domains[first]
                if complies([(value, fields), (second_value, second_fields)])
            )
            if passing:
                pairs.append((Change(first, passing), Change(second, (second_value,))))
    return Fix(offer, tuple(pairs), tuple(domains))
