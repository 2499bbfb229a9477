"""A workload's data classification and jurisdictions, derived from lineage instead of declared.

A workload may name the OpenLineage jobs it runs or the datasets it reads instead of stating
what data it touches. Given the resources collected from lineage documents (any adapter that
declares `dataset:` / `job:` identities and `reads` links), the workload inherits the most
sensitive classification of those datasets, as DESIGN.md section 3 says a workload does, and the
countries of the regions they are stored in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import InputError, SourceLocation
from .estate import build_estate, most_sensitive
from .models import Resource
from .placement_model import Workload


def with_lineage(workload: Workload, resources: Sequence[Resource], regions: Mapping[str, Any]) -> Workload:
    """`workload` with the classification and jurisdictions of the data its lineage ids name.

    A named job or dataset that no collected resource answers to is an `InputError`: placing a
    job as if its data were unclassified would be the silent pass gavel never gives.
    """
    if not (workload.lineage_jobs or workload.lineage_datasets):
        return workload
    estate = build_estate(resources)
    by_identity = {key: rid for rid, resource in estate.resources.items() for key in resource.identities}
    datasets: list[str] = []
    for job in workload.lineage_jobs:
        rid = _resolve(by_identity, f"job:{job}", "job", workload)
        datasets += [
            by_identity[link.target]
            for link in estate.resources[rid].links
            if link.type == "reads" and link.target in by_identity
        ]
    datasets += [
        _resolve(by_identity, f"dataset:{name}", "dataset", workload) for name in workload.lineage_datasets
    ]
    countries = {
        str(regions[region]["country"])
        for rid in datasets
        if (region := (estate.resources[rid].region or "").lower()) in regions
        and regions[region].get("country")
    }
    return dataclasses.replace(
        workload,
        classification=most_sensitive(
            [workload.classification, *(estate.classification[r] for r in datasets)]
        ),
        jurisdictions=tuple(sorted(set(workload.jurisdictions) | countries)),
    )


def _resolve(by_identity: Mapping[str, str], key: str, what: str, workload: Workload) -> str:
    rid = by_identity.get(key)
    if rid is None:
        raise InputError(
            f"lineage {what} {key.split(':', 1)[1]!r} is in none of the lineage documents given",
            SourceLocation(workload.source),
            "pass the OpenLineage events that describe it with --lineage PATH",
        )
    return rid
