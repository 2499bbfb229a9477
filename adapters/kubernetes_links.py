"""Identity keys and links of Kubernetes objects, so the estate graph can join them to other layers.

A workload answers to the `job:` key of the lineage job it runs (`openlineage.io/job`, else its
own name and namespace) and `runs_on` the node pools and instance types its pods are pinned to;
volumes lead to the StorageClass whose key encrypts them. Vocabulary: `engine.identities`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..engine.identities import (
    INSTANCE_TYPE_LABELS,
    LINEAGE_JOB_LABEL,
    NODE_POOL_LABELS,
    instance_type_key,
    kms_key,
    lineage_job_key,
    nodepool_key,
    resource_key,
)
from ..engine.models import Link
from .shapes import items, mapping, mappings

_TEMPLATED = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"}
# StorageClass parameters naming the key of the EBS, GCE PD and Azure Disk CSI drivers.
STORAGE_CLASS_KEY_PARAMETERS = ("kmsKeyId", "disk-encryption-kms-key", "diskEncryptionSetID")


def graph_keys(
    obj: Mapping[str, Any], kind: str, name: str, namespace: str | None
) -> tuple[tuple[str, ...], tuple[Link, ...]]:
    """(identities, links) of one object; objects that join nothing get neither."""
    pod = pod_template(obj, kind)
    if pod is not None:
        spec = mapping(pod.get("spec"))
        reference = _lineage_reference(obj, pod)
        identity = lineage_job_key(reference, namespace or "default", name)
        links = [*_runs_on(spec), *_mounts(obj, spec, kind, namespace)]
        return (identity,), tuple(dict.fromkeys(links))
    if kind == "PersistentVolumeClaim":
        storage_class = mapping(obj.get("spec")).get("storageClassName")
        if isinstance(storage_class, str) and storage_class:
            return (), (Link("stored_in", _storage_class(storage_class)),)
    if kind == "StorageClass":
        parameters = mapping(obj.get("parameters"))
        keys = [parameters[p] for p in STORAGE_CLASS_KEY_PARAMETERS if isinstance(parameters.get(p), str)]
        return (), tuple(Link("encrypted_by", kms_key(key)) for key in keys if key)
    return (), ()


def pod_template(obj: Mapping[str, Any], kind: str) -> Mapping[str, Any] | None:
    """The pod (metadata and spec) a workload runs: the Pod itself, or its template."""
    spec = mapping(obj.get("spec"))
    if kind == "Pod":
        return obj
    if kind == "CronJob":
        spec = mapping(mapping(spec.get("jobTemplate")).get("spec"))
    elif kind not in _TEMPLATED:
        return None
    template = spec.get("template")
    return template if isinstance(template, Mapping) else None


def _lineage_reference(obj: Mapping[str, Any], pod: Mapping[str, Any]) -> str | None:
    for holder in (obj, pod):
        metadata = mapping(holder.get("metadata"))
        for field in ("annotations", "labels"):
            value = mapping(metadata.get(field)).get(LINEAGE_JOB_LABEL)
            if isinstance(value, str) and value.strip():
                return value
    return None


def _node_label_values(spec: Mapping[str, Any], keys: tuple[str, ...]) -> Iterator[str]:
    """Values the pod is pinned to: nodeSelector, and `In` terms of required node affinity."""
    selector = mapping(spec.get("nodeSelector"))
    yield from (str(selector[key]) for key in keys if selector.get(key) is not None)
    affinity = mapping(mapping(spec.get("affinity")).get("nodeAffinity"))
    required = mapping(affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))
    for term in items(required.get("nodeSelectorTerms")):
        for expression in mappings(mapping(term).get("matchExpressions")):
            if expression.get("key") in keys and expression.get("operator") == "In":
                yield from (str(value) for value in items(expression.get("values")))


def _runs_on(spec: Mapping[str, Any]) -> Iterator[Link]:
    for pool in _node_label_values(spec, NODE_POOL_LABELS):
        yield Link("runs_on", nodepool_key(pool))
    for instance_type in _node_label_values(spec, INSTANCE_TYPE_LABELS):
        yield Link("runs_on", instance_type_key(instance_type))


def _mounts(
    obj: Mapping[str, Any], spec: Mapping[str, Any], kind: str, namespace: str | None
) -> Iterator[Link]:
    """Claims the pod mounts; claim templates (ephemeral volumes, a StatefulSet's) straight to
    their StorageClass, since the claims they stamp out are not in any manifest."""
    own_templates = mapping(obj.get("spec")).get("volumeClaimTemplates") if kind == "StatefulSet" else None
    templates = list(items(own_templates))
    for volume in mappings(spec.get("volumes")):
        claim = mapping(volume.get("persistentVolumeClaim")).get("claimName")
        if isinstance(claim, str) and claim:
            yield Link("mounts", resource_key(f"kubernetes:{namespace or '_'}/PersistentVolumeClaim/{claim}"))
        templates.append(mapping(volume.get("ephemeral")).get("volumeClaimTemplate"))
    for template in templates:
        storage_class = mapping(mapping(template).get("spec")).get("storageClassName")
        if isinstance(storage_class, str) and storage_class:
            yield Link("mounts", _storage_class(storage_class))


def _storage_class(name: str) -> str:
    return resource_key(f"kubernetes:_/StorageClass/{name}")
