"""Everything `kubectl apply` needs to run the webhook, as plain Kubernetes objects.

One function builds the whole set from the options and the loaded policy library, so the command
line's output and the kustomize base under `deploy/` come from the same code. TLS either comes
embedded (a Secret plus the CA in `caBundle`, from `server/tls.py`) or from cert-manager (a
self-signed Issuer, a Certificate writing the same Secret, and the CA injected into the webhook
configuration), which is what a committed base uses: it must never hold a private key.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from .tls import TlsMaterial, service_dns_names

NAME = "gavel-webhook"
WEBHOOK_NAME = "validate.gavel.dev"
TLS_SECRET = f"{NAME}-tls"
ENFORCEMENT_CONFIGMAP = f"{NAME}-enforcement"
CONTAINER_PORT = 8443

# Kubernetes kinds a policy may name -> (API group, resource). Kinds outside this table (Terraform
# types, cloud resources) are not admitted through the API server and get no webhook rule.
KIND_RESOURCES: dict[str, tuple[str, str]] = {
    "Pod": ("", "pods"),
    "Service": ("", "services"),
    "ConfigMap": ("", "configmaps"),
    "PersistentVolumeClaim": ("", "persistentvolumeclaims"),
    "PersistentVolume": ("", "persistentvolumes"),
    "Namespace": ("", "namespaces"),
    "ReplicationController": ("", "replicationcontrollers"),
    "Deployment": ("apps", "deployments"),
    "ReplicaSet": ("apps", "replicasets"),
    "StatefulSet": ("apps", "statefulsets"),
    "DaemonSet": ("apps", "daemonsets"),
    "Job": ("batch", "jobs"),
    "CronJob": ("batch", "cronjobs"),
    "Ingress": ("networking.k8s.io", "ingresses"),
    "NetworkPolicy": ("networking.k8s.io", "networkpolicies"),
    "StorageClass": ("storage.k8s.io", "storageclasses"),
    "Role": ("rbac.authorization.k8s.io", "roles"),
    "ClusterRole": ("rbac.authorization.k8s.io", "clusterroles"),
    "RoleBinding": ("rbac.authorization.k8s.io", "rolebindings"),
    "ClusterRoleBinding": ("rbac.authorization.k8s.io", "clusterrolebindings"),
}

DEFAULT_ENFORCEMENT = """\
# How each policy is enforced where (see `gavel webhook serve --help`).
default: deny            # deny | warn | dryrun
policies: {}             # <policy id>: deny | warn | dryrun
namespaces: {}           # <namespace>: <action>, or {default: <action>, policies: {<id>: <action>}}
exemptions:
  namespaces: []         # glob patterns, e.g. "sandbox-*"
  labels: []             # label maps, e.g. [{gavel.dev/exempt: "true"}]
evaluate_on_delete: []   # policy ids judged against oldObject on DELETE
"""


@dataclass(frozen=True)
class ManifestOptions:
    """The choices `gavel webhook manifests` exposes."""

    namespace: str = "gavel-system"
    replicas: int = 2
    failure_policy: str = "Fail"
    timeout_seconds: int = 5
    image: str = "ghcr.io/gavel-dev/gavel:0.1.0"
    workers: int = 2
    evidence_url: str = "sqlite:////var/lib/gavel/evidence.db"

    @property
    def deadline_seconds(self) -> float:
        """The per-request evaluation deadline: well inside the API server's timeout."""
        return round(self.timeout_seconds * 0.6, 2)


def webhook_rules(kinds: Iterable[str]) -> list[dict[str, Any]]:
    """One rule per API group for the Kubernetes kinds the library covers (`*` means all known)."""
    wanted = set(kinds)
    if "*" in wanted:
        wanted = set(KIND_RESOURCES)
    by_group: dict[str, list[str]] = {}
    for kind in sorted(wanted & set(KIND_RESOURCES)):
        group, resource = KIND_RESOURCES[kind]
        by_group.setdefault(group, []).append(resource)
    return [
        {
            "apiGroups": [group],
            "apiVersions": ["*"],
            "operations": ["CREATE", "UPDATE"],
            "resources": sorted(resources),
            "scope": "*",
        }
        for group, resources in sorted(by_group.items())
    ]


def _meta(name: str, namespace: str | None = None, **extra: Any) -> dict[str, Any]:
    labels = {"app.kubernetes.io/name": NAME, "app.kubernetes.io/part-of": "gavel"}
    metadata: dict[str, Any] = {"name": name, "labels": labels, **extra}
    if namespace is not None:
        metadata["namespace"] = namespace
    return metadata


def _rbac(options: ManifestOptions, rules: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Read-only access to the admitted kinds and namespaces, for `gavel audit --cluster` in-cluster."""
    read = [
        {"apiGroups": r["apiGroups"], "resources": r["resources"], "verbs": ["get", "list", "watch"]}
        for r in rules
    ]
    read.append({"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "watch"]})
    subject = {"kind": "ServiceAccount", "name": NAME, "namespace": options.namespace}
    role_ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": f"gavel:{NAME}"}
    return [
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": _meta(f"gavel:{NAME}"),
            "rules": read,
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": _meta(f"gavel:{NAME}"),
            "roleRef": role_ref,
            "subjects": [subject],
        },
    ]


def _probe(path: str, period: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": path, "port": "https", "scheme": "HTTPS"},
        "periodSeconds": period,
        "timeoutSeconds": 2,
        "failureThreshold": 3,
    }


def _deployment(options: ManifestOptions) -> dict[str, Any]:
    selector = {"app.kubernetes.io/name": NAME}
    args = [
        "webhook",
        "serve",
        "--tls-cert=/etc/gavel/tls/tls.crt",
        "--tls-key=/etc/gavel/tls/tls.key",
        f"--port={CONTAINER_PORT}",
        f"--workers={options.workers}",
        f"--failure-mode={'fail-open' if options.failure_policy == 'Ignore' else 'fail-closed'}",
        f"--deadline-seconds={options.deadline_seconds}",
        "--enforcement-config=/etc/gavel/enforcement/enforcement.yaml",
    ]
    container = {
        "name": "webhook",
        "image": options.image,
        "args": args,
        "env": [
            {"name": "GAVEL_HOME", "value": "/var/lib/gavel"},
            {"name": "TMPDIR", "value": "/var/lib/gavel"},
            {"name": "GAVEL_EVIDENCE", "value": options.evidence_url},
        ],
        "ports": [{"name": "https", "containerPort": CONTAINER_PORT, "protocol": "TCP"}],
        "readinessProbe": _probe("/readyz", 5),
        "livenessProbe": _probe("/healthz", 10),
        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": 65532,
            "runAsGroup": 65532,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": [
            {"name": "tls", "mountPath": "/etc/gavel/tls", "readOnly": True},
            {"name": "enforcement", "mountPath": "/etc/gavel/enforcement", "readOnly": True},
            {"name": "state", "mountPath": "/var/lib/gavel"},
        ],
    }
    anti_affinity = {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {
                "weight": 100,
                "podAffinityTerm": {
                    "labelSelector": {"matchLabels": selector},
                    "topologyKey": "kubernetes.io/hostname",
                },
            }
        ]
    }
    pod_spec = {
        "serviceAccountName": NAME,
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "fsGroup": 65532,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "affinity": {"podAntiAffinity": anti_affinity},
        "containers": [container],
        "volumes": [
            {"name": "tls", "secret": {"secretName": TLS_SECRET}},
            {"name": "enforcement", "configMap": {"name": ENFORCEMENT_CONFIGMAP}},
            {"name": "state", "emptyDir": {}},
        ],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta(NAME, options.namespace),
        "spec": {
            "replicas": options.replicas,
            "selector": {"matchLabels": selector},
            "template": {
                "metadata": {"labels": {**selector, "app.kubernetes.io/part-of": "gavel"}},
                "spec": pod_spec,
            },
        },
    }


def _webhook_configuration(
    options: ManifestOptions, rules: list[dict[str, Any]], ca_bundle: bytes | None
) -> dict[str, Any]:
    client_config: dict[str, Any] = {
        "service": {"namespace": options.namespace, "name": NAME, "path": "/validate", "port": 443}
    }
    annotations: dict[str, str] = {}
    if ca_bundle is None:
        annotations["cert-manager.io/inject-ca-from"] = f"{options.namespace}/{NAME}"
    else:
        client_config["caBundle"] = base64.b64encode(ca_bundle).decode("ascii")
    webhook = {
        "name": WEBHOOK_NAME,
        "clientConfig": client_config,
        "rules": rules,
        "failurePolicy": options.failure_policy,
        "matchPolicy": "Equivalent",
        "sideEffects": "None",
        "admissionReviewVersions": ["v1"],
        "timeoutSeconds": options.timeout_seconds,
        "namespaceSelector": {
            "matchExpressions": [
                {
                    "key": "kubernetes.io/metadata.name",
                    "operator": "NotIn",
                    "values": sorted({options.namespace, "kube-system"}),
                }
            ]
        },
    }
    metadata = _meta(NAME, annotations=annotations) if annotations else _meta(NAME)
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": metadata,
        "webhooks": [webhook],
    }


def _tls_objects(options: ManifestOptions, tls: TlsMaterial | None) -> list[dict[str, Any]]:
    if tls is not None:
        data = {
            name: base64.b64encode(pem).decode("ascii")
            for name, pem in (("ca.crt", tls.ca_pem), ("tls.crt", tls.cert_pem), ("tls.key", tls.key_pem))
        }
        return [
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": _meta(TLS_SECRET, options.namespace),
                "type": "kubernetes.io/tls",
                "data": data,
            }
        ]
    return [
        {
            "apiVersion": "cert-manager.io/v1",
            "kind": "Issuer",
            "metadata": _meta(NAME, options.namespace),
            "spec": {"selfSigned": {}},
        },
        {
            "apiVersion": "cert-manager.io/v1",
            "kind": "Certificate",
            "metadata": _meta(NAME, options.namespace),
            "spec": {
                "secretName": TLS_SECRET,
                "dnsNames": service_dns_names(NAME, options.namespace),
                "issuerRef": {"kind": "Issuer", "name": NAME},
                "privateKey": {"algorithm": "ECDSA", "size": 256},
            },
        },
    ]


def build_manifests(
    options: ManifestOptions, kinds: Iterable[str], tls: TlsMaterial | None
) -> list[dict[str, Any]]:
    """Every object, in apply order; `tls=None` delegates certificates to cert-manager."""
    rules = webhook_rules(kinds)
    namespace = options.namespace
    pdb_spec = {"maxUnavailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": NAME}}}
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": _meta(namespace)},
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": _meta(NAME, namespace),
            "automountServiceAccountToken": False,
        },
        *_rbac(options, rules),
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": _meta(ENFORCEMENT_CONFIGMAP, namespace),
            "data": {"enforcement.yaml": DEFAULT_ENFORCEMENT},
        },
        *_tls_objects(options, tls),
        _deployment(options),
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": _meta(NAME, namespace),
            "spec": {
                "selector": {"app.kubernetes.io/name": NAME},
                "ports": [{"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP"}],
            },
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": _meta(NAME, namespace),
            "spec": pdb_spec,
        },
        _webhook_configuration(options, rules, tls.ca_pem if tls is not None else None),
    ]


def file_name(index: int, manifest: dict[str, Any]) -> str:
    """`NN-kind-name.yaml`, ordered as applied."""
    name = str(manifest["metadata"]["name"]).replace(":", "-")
    return f"{index:02d}-{manifest['kind'].lower()}-{name}.yaml"


def to_yaml(manifests: Sequence[dict[str, Any]]) -> str:
    """A multi-document YAML stream."""
    return "---\n".join(yaml.safe_dump(m, sort_keys=False, default_flow_style=False) for m in manifests)


def kustomization(manifests: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": [file_name(index, m) for index, m in enumerate(manifests)],
    }
