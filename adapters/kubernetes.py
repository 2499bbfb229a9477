"""Kubernetes manifests as resources: plain YAML, multi-document streams, Helm output, lists, JSON.

Every object becomes one resource whose attributes are the whole object, unchanged, so policies
written against the Kubernetes API shape (Gatekeeper, Conftest) read it as they would in a cluster.
`List` and typed lists (`PodList`, as `kubectl get -o yaml` writes them) are expanded into their
items. A document that is not an object is reported as skipped, or is an error under `strict`.
Workloads, volume claims and StorageClasses declare identity keys and links for the estate graph
(`kubernetes_links`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.models import Provenance, Resource
from .collected import DocumentResources, FileReading
from .kubernetes_links import graph_keys
from .labels import flatten_labels
from .sources import Document

ADAPTER_NAME = "kubernetes"


def is_kubernetes_object(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("apiVersion"), str)
        and isinstance(value.get("kind"), str)
        and bool(value["apiVersion"] and value["kind"])
    )


@dataclass(frozen=True)
class KubernetesManifests(DocumentResources):
    """The objects of one manifest file, parsed and normalised when constructed."""

    name: str = ADAPTER_NAME

    @classmethod
    def normalise_documents(cls, documents: Sequence[Document], reading: FileReading) -> Iterator[Resource]:
        for value, line in _objects(documents):
            reason = _rejection(value)
            if reason is None:
                yield resource_from_object(value, reading.provenance(ADAPTER_NAME, line))
            else:
                reading.reject(reason, line)


def _objects(documents: Sequence[Document]) -> Iterator[tuple[Any, int]]:
    """Each document, with lists expanded into their items; items of typed lists get apiVersion/kind."""
    for document in documents:
        value = document.value
        if not (is_kubernetes_object(value) and value["kind"].endswith("List")):
            yield value, document.line
            continue
        items = value.get("items")
        item_kind = value["kind"].removesuffix("List")
        for index, item in enumerate(items if isinstance(items, list) else []):
            line = document.item_lines[index] if index < len(document.item_lines) else document.line
            if item_kind and isinstance(item, Mapping):
                yield {"apiVersion": value["apiVersion"], "kind": item_kind, **item}, line
            else:
                yield item, line


def _rejection(value: Any) -> str | None:
    """Why a document is not a usable Kubernetes object, or None when it is one."""
    if not isinstance(value, Mapping):
        return f"document is {_describe(value)}, not a Kubernetes object"
    missing = [key for key in ("apiVersion", "kind") if not (isinstance(value.get(key), str) and value[key])]
    if missing:
        return f"document has no {' and no '.join(missing)}; not a Kubernetes object"
    if not _object_name(value):
        return f"{value['kind']} has neither metadata.name nor metadata.generateName"
    return None


def resource_from_object(obj: Mapping[str, Any], provenance: Provenance) -> Resource:
    """One parsed Kubernetes object (with apiVersion, kind and a name) as a resource.

    Shared by manifests and live clusters, so an object has the same id and shape wherever it
    was read and a waiver written for one applies to the other.
    """
    metadata = _metadata(obj)
    namespace = metadata.get("namespace")
    namespace = namespace if isinstance(namespace, str) and namespace else None
    kind = str(obj["kind"])
    name = _object_name(obj)
    identities, links = graph_keys(obj, kind, name, namespace)
    return Resource(
        id=f"kubernetes:{namespace or '_'}/{kind}/{name}",
        kind=kind,
        name=name,
        platform="kubernetes",
        attributes=obj,
        provenance=provenance,
        labels=flatten_labels(metadata.get("labels")),
        namespace=namespace,
        identities=identities,
        links=links,
    )


def _metadata(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = obj.get("metadata")
    return metadata if isinstance(metadata, Mapping) else {}


def _object_name(obj: Mapping[str, Any]) -> str:
    metadata = _metadata(obj)
    for key in ("name", "generateName"):
        if isinstance(metadata.get(key), str) and metadata[key]:
            return str(metadata[key])
    return ""


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"
