"""Argo Workflows, CronWorkflows and (Cluster)WorkflowTemplates as resources, one per template pod.

These are Kubernetes objects, so each is also the Kubernetes resource the Kubernetes adapter would
make (same id, kind and attributes: a waiver or a Gatekeeper-style policy written for the object
applies either way). What that view misses is the pods: an Argo template's container runs with
settings that may come from the template or from the workflow spec (service account, node
selector, tolerations, pod security context, pod metadata). Each template that runs a pod
(`container`, `script`, `containerSet`) becomes one `argo_template` resource with those settings
resolved the way the Argo controller resolves them (template first, then workflow spec), so a
policy asks one question per pod. Other documents of the same file go to the Kubernetes adapter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.errors import InputError, SourceLocation
from ..engine.identities import lineage_job_key, storage_key
from ..engine.models import Link, Provenance, Resource
from .collected import DocumentResources, FileReading, opener
from .kubernetes import KubernetesManifests, resource_from_object
from .labels import flatten_labels
from .pipeline_links import declared_job, mapping_at, runs_on_links
from .sources import Document

ADAPTER_NAME = "argo"
ARGO_KINDS = frozenset({"Workflow", "CronWorkflow", "WorkflowTemplate", "ClusterWorkflowTemplate"})
POD_TEMPLATE_TYPES = ("container", "script", "containerSet")


def is_argo_object(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("apiVersion"), str)
        and value["apiVersion"].startswith("argoproj.io/")
        and value.get("kind") in ARGO_KINDS
    )


def recognises_workflows(documents: Sequence[Document]) -> bool:
    return any(is_argo_object(document.value) for document in documents)


@dataclass(frozen=True)
class ArgoWorkflows(DocumentResources):
    """The Argo objects of one file, with their pod templates, and any other Kubernetes objects."""

    name: str = ADAPTER_NAME

    @classmethod
    def normalise_documents(cls, documents: Sequence[Document], reading: FileReading) -> Iterator[Resource]:
        """Each Argo object and its pods, then the other objects as the Kubernetes adapter makes them.

        The other objects are read first, so under `strict` their rejection is the error raised.
        """
        kubernetes = [document for document in documents if not is_argo_object(document.value)]
        others = list(KubernetesManifests.normalise_documents(kubernetes, reading))
        for document in documents:
            if is_argo_object(document.value):
                yield from _object_resources(document.value, reading.provenance(ADAPTER_NAME, document.line))
        yield from others


open_workflows = opener(ArgoWorkflows)


def workflow_spec(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    """The WorkflowSpec of any Argo kind: a CronWorkflow keeps it under `spec.workflowSpec`."""
    spec = mapping_at(obj, "spec")
    return mapping_at(spec, "workflowSpec") if obj.get("kind") == "CronWorkflow" else spec


def _object_resources(obj: Mapping[str, Any], provenance: Provenance) -> list[Resource]:
    metadata = mapping_at(obj, "metadata")
    name = metadata.get("name") or metadata.get("generateName")
    if not isinstance(name, str) or not name:
        raise InputError(
            f"{obj['kind']} has neither metadata.name nor metadata.generateName",
            SourceLocation(provenance.source, provenance.line),
        )
    spec = workflow_spec(obj)
    workflow_name = name.rstrip("-") if "name" not in metadata else name
    declared = declared_job(metadata.get("labels"), metadata.get("annotations"))
    base = resource_from_object(obj, provenance)
    workflow = dataclasses.replace(
        base,
        identities=_merged(
            base.identities, (lineage_job_key(declared, workflow_name, workflow_name),) if declared else ()
        ),
        links=_merged(base.links, runs_on_links(spec.get("nodeSelector"))),
    )
    templates = spec.get("templates")
    pods = [
        _template_resource(obj, workflow_name, spec, template, provenance)
        for template in (templates if isinstance(templates, list) else [])
        if isinstance(template, Mapping) and any(key in template for key in POD_TEMPLATE_TYPES)
    ]
    return [workflow, *pods]


def _template_resource(
    obj: Mapping[str, Any],
    workflow_name: str,
    spec: Mapping[str, Any],
    template: Mapping[str, Any],
    provenance: Provenance,
) -> Resource:
    metadata = mapping_at(obj, "metadata")
    namespace = metadata.get("namespace") if isinstance(metadata.get("namespace"), str) else None
    template_name = str(template.get("name") or "")
    pod_metadata = mapping_at(spec, "podMetadata")
    template_metadata = mapping_at(template, "metadata")
    node_selector = {**mapping_at(spec, "nodeSelector"), **mapping_at(template, "nodeSelector")}
    declared = declared_job(
        template_metadata.get("annotations"),
        template_metadata.get("labels"),
        pod_metadata.get("annotations"),
        pod_metadata.get("labels"),
    )
    attributes = {
        "workflow": {
            "apiVersion": obj["apiVersion"],
            "kind": obj["kind"],
            "name": workflow_name,
            "namespace": namespace,
            "labels": dict(mapping_at(metadata, "labels")),
            "annotations": dict(mapping_at(metadata, "annotations")),
        },
        "template": template,
        "service_account_name": _first(template, spec, "serviceAccountName"),
        "automount_service_account_token": _first(template, spec, "automountServiceAccountToken"),
        "node_selector": node_selector,
        "tolerations": list(_first(template, spec, "tolerations") or []),
        "pod_security_context": dict(_first(template, spec, "securityContext") or {}),
        "host_network": bool(_first(template, spec, "hostNetwork")),
        "containers": _containers(template),
    }
    return Resource(
        id=f"argo:{namespace or '_'}/{obj['kind']}/{workflow_name}/{template_name}",
        kind="argo_template",
        name=f"{workflow_name}/{template_name}",
        platform="argo",
        attributes=attributes,
        provenance=provenance,
        labels=flatten_labels(
            metadata.get("labels"), pod_metadata.get("labels"), template_metadata.get("labels")
        ),
        namespace=namespace,
        identities=(lineage_job_key(declared, workflow_name, template_name),),
        links=(*runs_on_links(node_selector), *_artifact_links(template)),
    )


def _artifact_links(template: Mapping[str, Any]) -> tuple[Link, ...]:
    """`reads`/`writes` links to the buckets of a template's input and output artifacts."""
    links: list[Link] = []
    for direction, edge in (("inputs", "reads"), ("outputs", "writes")):
        artifacts = mapping_at(template, direction).get("artifacts")
        for artifact in artifacts if isinstance(artifacts, list) else []:
            for scheme in ("s3", "gcs"):
                bucket = mapping_at(artifact, scheme).get("bucket")
                key = storage_key(f"{scheme}://{bucket}") if isinstance(bucket, str) and bucket else None
                if key is not None:
                    links.append(Link(edge, key))
    return tuple(dict.fromkeys(links))


def _containers(template: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every container of the template's pod, with the field it came from (as in gavel.lib.k8s)."""
    found: list[dict[str, Any]] = []
    for field in ("container", "script"):
        if isinstance(template.get(field), Mapping):
            found.append({"field": field, "container": {"name": "main", **template[field]}})
    for field, items in (
        ("containerSet.containers", mapping_at(template, "containerSet").get("containers")),
        ("initContainers", template.get("initContainers")),
        ("sidecars", template.get("sidecars")),
    ):
        for item in items if isinstance(items, list) else []:
            if isinstance(item, Mapping):
                found.append({"field": field, "container": dict(item)})
    return found


def _first(template: Mapping[str, Any], spec: Mapping[str, Any], key: str) -> Any:
    """A template's own setting, else the workflow spec's (how the controller applies defaults)."""
    value = template.get(key)
    return value if value is not None else spec.get(key)


def _merged(first: tuple[Any, ...], second: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys((*first, *second)))
