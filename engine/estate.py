"""The estate: every resource of a run, indexed, with what can only be known across resources.

A resource's data classification may come from its own labels, its pod template's labels or
its Kubernetes namespace; policies see the most sensitive one as `input.resource.classification`
and the whole estate as `data.gavel.estate`, loaded once per run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .models import Resource

CLASSIFICATIONS = ("public", "internal", "confidential", "personal", "special-category")
CLASSIFICATION_KEYS = ("data-classification", "data_classification", "classification")


@dataclass(frozen=True)
class Edge:
    """A typed relation between two resources (`reads`, `stored_in`, `encrypted_by`, ...)."""

    source: str
    target: str
    type: str


@dataclass(frozen=True)
class Estate:
    """Resources by id (in collection order), their effective classification and their edges."""

    resources: Mapping[str, Resource]
    classification: Mapping[str, str | None]
    edges: tuple[Edge, ...] = ()

    def input_document(self, resource_id: str) -> dict[str, Any]:
        """What a policy sees as `input.resource`."""
        document = self.resources[resource_id].to_document()
        document["classification"] = self.classification.get(resource_id)
        return document

    def to_document(self) -> dict[str, Any]:
        """What a policy sees as `data.gavel.estate`.

        `by_kind` lists resource ids per kind, so a rule that looks for related resources (the
        encryption configuration of a bucket) reads a short list instead of scanning the estate
        for every resource it judges.
        """
        by_kind: dict[str, list[str]] = {}
        for rid, resource in self.resources.items():
            by_kind.setdefault(resource.kind, []).append(rid)
        return {
            "resources": {rid: self.input_document(rid) for rid in self.resources},
            "by_kind": by_kind,
            "edges": [{"from": e.source, "to": e.target, "type": e.type} for e in self.edges],
        }


def most_sensitive(values: Iterable[str | None]) -> str | None:
    ranked = [v for v in values if v in CLASSIFICATIONS]
    return max(ranked, key=CLASSIFICATIONS.index) if ranked else None


def classification_of_labels(labels: Mapping[str, Any] | None) -> str | None:
    if not labels:
        return None
    return most_sensitive(str(labels[key]).strip().lower() for key in CLASSIFICATION_KEYS if key in labels)


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


def build_estate(resources: Iterable[Resource], edges: Iterable[Edge] = ()) -> Estate:
    indexed = _unique(resources)
    namespace_class = {
        r.name: classification_of_labels(r.labels)
        for r in indexed.values()
        if r.platform == "kubernetes" and r.kind == "Namespace"
    }
    classification = {
        rid: most_sensitive(
            [
                classification_of_labels(r.labels),
                classification_of_labels(_template_labels(r)),
                namespace_class.get(r.namespace) if r.namespace else None,
            ]
        )
        for rid, r in indexed.items()
    }
    return Estate(resources=indexed, classification=classification, edges=tuple(edges))
