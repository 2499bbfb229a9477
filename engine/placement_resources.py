"""A placement turned into the resources it would create, shaped as the adapters shape real ones.

The policies that judge a candidate are the ones that gate CI and admission, so a candidate must
reach them as the resources a team would actually apply: a Kubernetes Job pinned (nodeSelector)
to the pool, region and zone, labelled with the data's classification and requesting the GPUs;
the Terraform node pool, node group or instance in the region with the candidate's
accelerators, GPU sharing, confidential computing, capacity type and disk key; and the bucket
the job writes to, in the same region, encrypted and TLS-only. Ids, labels and regions follow the
Kubernetes and Terraform adapters, so a waiver written for the real Job applies here too.

Nothing candidate-specific that no policy could read (catalog id, price) goes into a document:
two candidates that would create the same resources produce byte-identical documents, which is
what lets the optimiser judge each distinct document once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .models import Provenance, Resource
from .placement_model import SPOT, Candidate, Offer, Workload

ADAPTER_NAME = "placement"
GENERATED_KINDS = (
    "Job",
    "google_container_node_pool",
    "aws_eks_node_group",
    "azurerm_kubernetes_cluster_node_pool",
    "google_compute_instance",
    "aws_instance",
    "azurerm_linux_virtual_machine",
    "aws_s3_bucket",
    "google_storage_bucket",
    "azurerm_storage_account",
)
"""Every kind `materialise` creates: the evaluation is prepared for exactly these."""

_NODE_POOL_LABEL = {
    "gcp": "cloud.google.com/gke-nodepool",
    "aws": "eks.amazonaws.com/nodegroup",
    "azure": "kubernetes.azure.com/agentpool",
}
# GKE's own sharing labels; elsewhere the NVIDIA device plugin's (time-slicing, MPS).
_SHARING_LABEL = {"gcp": "cloud.google.com/gke-gpu-sharing-strategy"}
_CLIENTS_LABEL = {"gcp": "cloud.google.com/gke-max-shared-clients-per-gpu"}
_DEVICE_PLUGIN_LABELS = ("nvidia.com/gpu.sharing-strategy", "nvidia.com/gpu.replicas")
_DEFAULT_DEVICE = "nvidia.com/gpu"
_STRATEGY = {"time-sharing": ("time-sharing", "time-slicing", "TIME_SHARING"), "mps": ("mps", "mps", "MPS")}
_SHARED_CLIENTS = "2"
_PUBLIC_ACCESS_SWITCHES = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)
_PLACEHOLDER_ACCOUNT = "000000000000"


def baseline(collected_at: datetime) -> tuple[Resource, ...]:
    """What every generated resource relies on and no candidate changes: the account-wide S3
    public access block (CIS AWS 2.1.5), which buckets are judged against.

    It is loaded as the estate the generated resources are judged in (`data.gavel.estate`), so a
    policy that looks for it across the plan finds it, as it would in the platform's own plan.
    """
    attributes = {switch: True for switch in _PUBLIC_ACCESS_SWITCHES}
    provenance = Provenance(ADAPTER_NAME, "placement baseline", "", collected_at)
    return (_terraform("aws_s3_account_public_access_block", "baseline", attributes, {}, "", provenance),)


@dataclass(frozen=True)
class Materialiser:
    """Turns (workload, offer) into resources; holds the reference data and provenance it needs.

    `accelerators` is the `placement_accelerators` data table (Kubernetes resource and GKE type of
    each model). Generated resources name the catalog (Terraform ones) or the workload file (the
    Job) as their source, so evidence points back at what the user wrote.
    """

    accelerators: Mapping[str, Any]
    catalog_source: str
    catalog_digest: str
    collected_at: datetime

    def materialise(self, workload: Workload, offer: Offer) -> tuple[Resource, ...]:
        candidate = offer.candidate
        labels = _classification_labels(workload)
        catalog = Provenance(ADAPTER_NAME, self.catalog_source, self.catalog_digest, self.collected_at)
        resources = []
        if candidate.kubernetes:
            if workload.image:
                job = Provenance(ADAPTER_NAME, workload.source, workload.source_digest, self.collected_at)
                resources.append(self._job(workload, offer, labels, job))
            resources.append(_node_pool(workload.name, offer, self._gke_type(candidate), labels, catalog))
        else:
            resources.append(_instance(workload.name, offer, self._gke_type(candidate), labels, catalog))
        if workload.storage:
            resources.append(_bucket(workload.name, candidate, workload.retention_days, labels, catalog))
        return tuple(resources)

    def _gke_type(self, candidate: Candidate) -> str | None:
        entry = self.accelerators.get(candidate.accelerator or "", {})
        gke = entry.get("gke") if isinstance(entry, Mapping) else None
        return str(gke) if gke else None

    def _device_resource(self, model: str | None) -> str:
        entry = self.accelerators.get(model or "", {})
        return str(entry.get("resource", _DEFAULT_DEVICE)) if isinstance(entry, Mapping) else _DEFAULT_DEVICE

    def _job(self, workload: Workload, offer: Offer, labels: dict[str, str], prov: Provenance) -> Resource:
        candidate = offer.candidate
        selector = {"topology.kubernetes.io/region": candidate.region}
        if candidate.zone and candidate.cloud != "azure":
            # AKS zone labels read `<region>-<n>`, which gavel.lib.regions does not map to a
            # region yet; the region label pins the Job all the same.
            selector["topology.kubernetes.io/zone"] = candidate.zone
        selector[_NODE_POOL_LABEL[candidate.cloud]] = str(candidate.node_pool)
        selector["node.kubernetes.io/instance-type"] = candidate.instance_type
        gke_type = self._gke_type(candidate)
        if candidate.cloud == "gcp" and gke_type:
            selector["cloud.google.com/gke-accelerator"] = gke_type
        if candidate.gpu_sharing in _STRATEGY:
            strategy = _STRATEGY[candidate.gpu_sharing][0 if candidate.cloud == "gcp" else 1]
            selector[_SHARING_LABEL.get(candidate.cloud, _DEVICE_PLUGIN_LABELS[0])] = strategy
            selector[_CLIENTS_LABEL.get(candidate.cloud, _DEVICE_PLUGIN_LABELS[1])] = _SHARED_CLIENTS
        memory = candidate.memory_gib if workload.memory_gib is None else workload.memory_gib / offer.nodes
        limits: dict[str, Any] = {"cpu": str(workload.cpu), "memory": f"{math.ceil(memory)}Gi"}
        requests = dict(limits)
        if workload.accelerator is not None:
            per_pod = -(-workload.accelerator.count // offer.nodes)
            limits[self._device_resource(candidate.accelerator)] = per_pod
        metadata: dict[str, Any] = {"name": workload.name, "namespace": workload.namespace, "labels": labels}
        if workload.jurisdictions:
            metadata["annotations"] = {"gavel.dev/data-jurisdictions": ",".join(workload.jurisdictions)}
        container = {
            "name": workload.name,
            "image": workload.image,
            "resources": {"limits": limits, "requests": requests},
            "securityContext": {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "runAsNonRoot": True,
                "capabilities": {"drop": ["ALL"]},
                "seccompProfile": {"type": "RuntimeDefault"},
            },
        }
        job = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": metadata,
            "spec": {
                "parallelism": offer.nodes,
                "completions": offer.nodes,
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "restartPolicy": "Never",
                        "serviceAccountName": workload.name,
                        "automountServiceAccountToken": False,
                        "nodeSelector": selector,
                        "containers": [container],
                    },
                },
            },
        }
        return Resource(
            id=f"kubernetes:{workload.namespace}/Job/{workload.name}",
            kind="Job",
            name=workload.name,
            platform="kubernetes",
            attributes=job,
            provenance=prov,
            labels=labels,
            namespace=workload.namespace,
        )


def _classification_labels(workload: Workload) -> dict[str, str]:
    labels = {"app.kubernetes.io/name": workload.name}
    if workload.classification:
        labels["data-classification"] = workload.classification
    return labels


def _terraform(
    kind: str, name: str, attributes: dict[str, Any], labels: Mapping[str, str], region: str, prov: Provenance
) -> Resource:
    return Resource(
        id=f"terraform:{kind}.{name}",
        kind=kind,
        name=name,
        platform="terraform",
        attributes=attributes,
        provenance=prov,
        labels=dict(labels),
        region=region,
        action="create",
    )


def _key(cloud: str, name: str, region: str) -> str:
    """A customer-managed key reference of the cloud's shape, in the candidate's region."""
    if cloud == "aws":
        return f"arn:aws:kms:{region}:{_PLACEHOLDER_ACCOUNT}:alias/{name}-data"
    if cloud == "gcp":
        return f"projects/{name}/locations/{region}/keyRings/{name}/cryptoKeys/data"
    return f"https://{name}-kv.vault.azure.net/keys/data"


def _disk_encryption_set(name: str) -> str:
    group = f"/subscriptions/{_PLACEHOLDER_ACCOUNT}/resourceGroups/{name}"
    return f"{group}/providers/Microsoft.Compute/diskEncryptionSets/{name}"


def _guest_accelerators(candidate: Candidate, gke_type: str | None) -> list[dict[str, Any]]:
    if not candidate.accelerators_per_node or not gke_type:
        return []
    accelerator: dict[str, Any] = {"type": gke_type, "count": candidate.accelerators_per_node}
    if candidate.gpu_sharing in _STRATEGY:
        accelerator["gpu_sharing_config"] = [
            {
                "gpu_sharing_strategy": _STRATEGY[candidate.gpu_sharing][2],
                "max_shared_clients_per_gpu": int(_SHARED_CLIENTS),
            }
        ]
    return [accelerator]


def _node_pool(
    name: str, offer: Offer, gke_type: str | None, labels: Mapping[str, str], prov: Provenance
) -> Resource:
    candidate, spot = offer.candidate, offer.capacity == SPOT
    pool = str(candidate.node_pool)
    if candidate.cloud == "gcp":
        node_config: dict[str, Any] = {
            "machine_type": candidate.instance_type,
            "labels": dict(labels),
            "guest_accelerator": _guest_accelerators(candidate, gke_type),
            "spot": spot,
            "workload_metadata_config": [{"mode": "GKE_METADATA"}],
            "shielded_instance_config": [{"enable_secure_boot": True, "enable_integrity_monitoring": True}],
        }
        if candidate.confidential_computing:
            node_config["confidential_nodes"] = [{"enabled": True}]
        if candidate.cmk:
            node_config["boot_disk_kms_key"] = _key("gcp", name, candidate.region)
        attributes: dict[str, Any] = {
            "name": pool,
            "location": candidate.region,
            "node_count": offer.nodes,
            "node_config": [node_config],
        }
        if candidate.zone:
            attributes["node_locations"] = [candidate.zone]
        return _terraform("google_container_node_pool", name, attributes, {}, candidate.region, prov)
    if candidate.cloud == "aws":
        attributes = {
            "node_group_name": pool,
            "instance_types": [candidate.instance_type],
            "capacity_type": "SPOT" if spot else "ON_DEMAND",
            "scaling_config": [{"desired_size": offer.nodes, "min_size": 0, "max_size": offer.nodes}],
            "labels": dict(labels),
            "tags": dict(labels),
        }
        return _terraform("aws_eks_node_group", name, attributes, labels, candidate.region, prov)
    attributes = {
        "name": pool,
        "vm_size": candidate.instance_type,
        "node_count": offer.nodes,
        "node_labels": dict(labels),
        "tags": dict(labels),
        "priority": "Spot" if spot else "Regular",
    }
    if candidate.zone:
        attributes["zones"] = [candidate.zone]
    return _terraform(
        "azurerm_kubernetes_cluster_node_pool", name, attributes, labels, candidate.region, prov
    )


def _instance(
    name: str, offer: Offer, gke_type: str | None, labels: Mapping[str, str], prov: Provenance
) -> Resource:
    candidate, spot = offer.candidate, offer.capacity == SPOT
    cmk = candidate.cmk
    if candidate.cloud == "gcp":
        boot_disk: dict[str, Any] = {"initialize_params": [{"size": 200}]}
        if cmk:
            boot_disk["kms_key_self_link"] = _key("gcp", name, candidate.region)
        attributes: dict[str, Any] = {
            "name": name,
            "machine_type": candidate.instance_type,
            "labels": dict(labels),
            "guest_accelerator": _guest_accelerators(candidate, gke_type),
            "boot_disk": [boot_disk],
            "scheduling": [{"provisioning_model": "SPOT" if spot else "STANDARD", "preemptible": spot}],
        }
        if candidate.zone:
            attributes["zone"] = candidate.zone
        if candidate.confidential_computing:
            attributes["confidential_instance_config"] = [{"enable_confidential_compute": True}]
        region = candidate.zone or candidate.region
        return _terraform("google_compute_instance", name, attributes, labels, region, prov)
    if candidate.cloud == "aws":
        device: dict[str, Any] = {"encrypted": True, "volume_size": 200}
        if cmk:
            device["kms_key_id"] = _key("aws", name, candidate.region)
        attributes = {
            "instance_type": candidate.instance_type,
            "tags": dict(labels),
            "root_block_device": [device],
        }
        if candidate.zone:
            attributes["availability_zone"] = candidate.zone
        if spot:
            attributes["instance_market_options"] = [{"market_type": "spot"}]
        return _terraform("aws_instance", name, attributes, labels, candidate.region, prov)
    os_disk: dict[str, Any] = {"caching": "ReadWrite", "storage_account_type": "Premium_LRS"}
    if cmk:
        os_disk["disk_encryption_set_id"] = _disk_encryption_set(name)
    if candidate.confidential_computing:
        os_disk["security_encryption_type"] = "DiskWithVMGuestState"
    attributes = {
        "name": name,
        "location": candidate.region,
        "size": candidate.instance_type,
        "tags": dict(labels),
        "os_disk": [os_disk],
        "priority": "Spot" if spot else "Regular",
    }
    if candidate.zone:
        attributes["zone"] = candidate.zone
    return _terraform("azurerm_linux_virtual_machine", name, attributes, labels, candidate.region, prov)


def _tls_only_policy(bucket: str) -> str:
    statement = {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, separators=(",", ":"))


def _bucket(
    name: str, candidate: Candidate, retention_days: int, labels: Mapping[str, str], prov: Provenance
) -> Resource:
    """The store the job writes to, in its region: encrypted, TLS-only, access-logged, expiring."""
    region, cmk = candidate.region, candidate.cmk
    if candidate.cloud == "aws":
        bucket = f"{name}-{region}"
        sse: dict[str, Any] = {"sse_algorithm": "aws:kms" if cmk else "AES256"}
        if cmk:
            sse["kms_master_key_id"] = _key("aws", name, region)
        rule = {"apply_server_side_encryption_by_default": [sse], "bucket_key_enabled": cmk}
        attributes: dict[str, Any] = {
            "bucket": bucket,
            "tags": dict(labels),
            "policy": _tls_only_policy(bucket),
            "server_side_encryption_configuration": [{"rule": [rule]}],
            "lifecycle_rule": [{"enabled": True, "expiration": [{"days": retention_days}]}],
            "logging": [{"target_bucket": f"{bucket}-access-logs", "target_prefix": "s3/"}],
        }
        return _terraform("aws_s3_bucket", name, attributes, labels, region, prov)
    if candidate.cloud == "gcp":
        attributes = {
            "name": f"{name}-{region}",
            "location": region.upper(),
            "labels": dict(labels),
            "uniform_bucket_level_access": True,
            "public_access_prevention": "enforced",
            "lifecycle_rule": [{"action": [{"type": "Delete"}], "condition": [{"age": retention_days}]}],
            "logging": [{"log_bucket": f"{name}-{region}-access-logs"}],
        }
        if cmk:
            attributes["encryption"] = [{"default_kms_key_name": _key("gcp", name, region)}]
        return _terraform("google_storage_bucket", name, attributes, labels, attributes["location"], prov)
    attributes = {
        "name": f"{name.replace('-', '')}{region}"[:24],
        "location": region,
        "tags": dict(labels),
        "https_traffic_only_enabled": True,
        "min_tls_version": "TLS1_2",
        "allow_nested_items_to_be_public": False,
        "public_network_access_enabled": False,
        "network_rules": [{"default_action": "Deny"}],
    }
    if cmk:
        attributes["customer_managed_key"] = [{"key_vault_key_id": _key("azure", name, region)}]
    return _terraform("azurerm_storage_account", name, attributes, labels, region, prov)
