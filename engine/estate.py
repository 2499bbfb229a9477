"""The estate: every resource of a run, indexed, with what can only be known across resources.

A resource's data classification may come from its own labels, its pod template's labels, its
Kubernetes namespace, or the estate graph: a job or workload handles the data of the datasets it
reads and a model carries the data it was trained on (DESIGN.md section 3). Policies see the
most sensitive one as `input.resource.classification` and the whole estate, with its edges and
their indexes, as `data.gavel.estate`, loaded once per run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .collector import collector_paused
from .graph import Edge, adjacency, resolve, upstream
from .models import Link, Resource

__all__ = ["Edge", "Estate", "build_estate"]

CLASSIFICATIONS = ("public", "internal", "confidential", "personal", "special-category")
CLASSIFICATION_KEYS = ("data-classification", "data_classification", "classification")
PROPAGATING_EDGES = {"reads": "reads", "trained_on": "trained on"}
"""Edge types along which the target's classification flows to the source, and how to say so."""

Reason = tuple[str, str]
"""(classification level, why it applies)."""


@dataclass(frozen=True)
class Estate:
    """Resources by id (in collection order), their effective classification and why, and the graph."""

    resources: Mapping[str, Resource]
    classification: Mapping[str, str | None]
    edges: tuple[Edge, ...] = ()
    reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unresolved: Mapping[str, tuple[Link, ...]] = field(default_factory=dict)

    def input_document(self, resource_id: str) -> dict[str, Any]:
        """What a policy sees as `input.resource`."""
        resource = self.resources[resource_id]
        document = resource.to_document()
        document["classification"] = self.classification.get(resource_id)
        document["identities"] = list(resource.identities)
        return document

    def to_document(self) -> dict[str, Any]:
        """What a policy sees as `data.gavel.estate`.

        `by_kind` lists resource ids per kind, so a rule that looks for related resources (the
        encryption configuration of a bucket) reads a short list instead of scanning the estate
        for every resource it judges. `out[id][type]` and `in[id][type]` do the same for edges,
        `upstream[id]` is one step of dataset lineage, and `unresolved[id]` lists the links of a
        resource that named nothing collected.

        The edge list itself is left out: rules follow edges through `out` and `in`, and the
        runtime parses the whole document before it judges anything (the list was a sixth of
        it in benchmarks/estate_bench.py). `gavel estate show` lists the edges, with the job
        each inherited edge came through.
        """
        with collector_paused():
            by_kind: dict[str, list[str]] = {}
            for rid, resource in self.resources.items():
                by_kind.setdefault(resource.kind, []).append(rid)
            outgoing, incoming = adjacency(self.edges)
            return {
                "resources": {rid: self.input_document(rid) for rid in self.resources},
                "by_kind": by_kind,
                "out": outgoing,
                "in": incoming,
                "upstream": upstream(outgoing, incoming),
                "unresolved": {
                    rid: [{"type": link.type, "target": link.target} for link in links]
                    for rid, links in self.unresolved.items()
                },
            }


def most_sensitive(values: Iterable[str | None]) -> str | None:
    ranked = [v for v in values if v in CLASSIFICATIONS]
    return max(ranked, key=CLASSIFICATIONS.index) if ranked else None


def classification_of_labels(labels: Mapping[str, Any] | None) -> str | None:
    return most_sensitive(level for level, _ in _label_reasons(labels, "label"))


def _label_reasons(labels: Mapping[str, Any] | None, where: str) -> list[Reason]:
    if not labels:
        return []
    found = []
    for key in CLASSIFICATION_KEYS:
        if key in labels:
            value = str(labels[key]).strip().lower()
            if value in CLASSIFICATIONS:
                found.append((value, f"{where} {key}={value}"))
    return found


def _template_labels(resource: Resource) -> Mapping[str, Any] | None:
    spec = resource.attributes.get("spec")
    if not isinstance(spec, Mapping):
        return None
    template = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template")
    if isinstance(template, Mapping):
        labels = template.get("metadata", {}).get("labels")
        return labels if isinstance(labels, Mapping) else None
    return None


def _unique(resources: Iterable[Resource]) -> dict[str, Resource]:
    """Index by id; the same id from a second source keeps both, the later one suffixed by its source."""
    indexed: dict[str, Resource] = {}
    for resource in resources:
        unique = resource
        if resource.id in indexed:
            unique = dataclasses.replace(resource, id=f"{resource.id}@{resource.provenance.source}")
        indexed.setdefault(unique.id, unique)
    return indexed


def _own_reasons(indexed: Mapping[str, Resource]) -> dict[str, list[Reason]]:
    """Classification each resource carries itself: labels, pod template labels, namespace labels."""
    namespaces = {
        r.name: _label_reasons(r.labels, f"namespace {r.name} label")
        for r in indexed.values()
        if r.platform == "kubernetes" and r.kind == "Namespace"
    }
    return {
        rid: [
            *_label_reasons(r.labels, "label"),
            *_label_reasons(_template_labels(r), "pod template label"),
            *(namespaces.get(r.namespace, ()) if r.namespace else ()),
        ]
        for rid, r in indexed.items()
    }


def _propagate(own: Mapping[str, list[Reason]], edges: Iterable[Edge]) -> dict[str, list[Reason]]:
    """Add to each source the classification of what it reads or was trained on (one step)."""
    reasons = {rid: list(found) for rid, found in own.items()}
    own_level = {rid: most_sensitive(level for level, _ in found) for rid, found in own.items() if found}
    for edge in edges:
        verb = PROPAGATING_EDGES.get(edge.type)
        level = own_level.get(edge.target) if verb else None
        if verb is None or level is None or edge.source not in reasons:
            continue
        via = f" via {edge.via}" if edge.via else ""
        reasons[edge.source].append((level, f"{verb} {edge.target} ({level}){via}"))
    return reasons


def build_estate(resources: Iterable[Resource], edges: Iterable[Edge] = ()) -> Estate:
    """Index resources, resolve their links into the graph, and settle each one's classification."""
    with collector_paused():
        return _built(resources, edges)


def _built(resources: Iterable[Resource], edges: Iterable[Edge]) -> Estate:
    indexed = _unique(resources)
    graph = resolve(indexed, edges)
    reasons = _propagate(_own_reasons(indexed), graph.edges)
    classification: dict[str, str | None] = {}
    why: dict[str, tuple[str, ...]] = {}
    for rid, found in reasons.items():
        level = most_sensitive(level for level, _ in found)
        classification[rid] = level
        if level is not None:
            why[rid] = tuple(dict.fromkeys(reason for at, reason in found if at == level))
    return Estate(
        resources=indexed,
        classification=classification,
        edges=graph.edges,
        reasons=why,
        unresolved=graph.unresolved,
    )
