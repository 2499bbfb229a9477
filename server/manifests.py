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
IMAGE = "ghcr.io/gavel-dev/gavel:0.1.0"
STATE_DIR = "/var/lib/gavel"  # GAVEL_HOME and TMPDIR, on an emptyDir: the root filesystem is read-only
KEYS_DIR = f"{STATE_DIR}/keys"  # $GAVEL_HOME/keys: where gavel loads its signing key from
EVIDENCE_URL_KEY = "GAVEL_EVIDENCE_URL"  # the key of the evidence Secret holding the store's URL

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
    image: str = IMAGE
    workers: int = 2
    evidence_url: str | None = None  # None: the URL comes from evidence_secret, else the pod's SQLite
    evidence_secret: str | None = None  # the signing key (and the store's URL) every replica shares

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


def object_metadata(app: str, name: str, namespace: str | None = None, **extra: Any) -> dict[str, Any]:
    """Metadata labelled as part of gavel, so `kubectl get -l app.kubernetes.io/part-of=gavel` finds it."""
    labels = {"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "gavel"}
    metadata: dict[str, Any] = {"name": name, "labels": labels, **extra}
    if namespace is not None:
        metadata["namespace"] = namespace
    return metadata


def _meta(name: str, namespace: str | None = None, **extra: Any) -> dict[str, Any]:
    return object_metadata(NAME, name, namespace, **extra)


def read_access(
    app: str, service_account: str, namespace: str, rules: Sequence[dict[str, Any]], verbs: Sequence[str]
) -> list[dict[str, Any]]:
    """A ClusterRole reading the resources of `rules` and Namespaces, bound to the service account.

    What `gavel audit --cluster` needs in a cluster: Namespaces always, since their labels classify
    the workloads in them.
    """
    read = [{"apiGroups": r["apiGroups"], "resources": r["resources"], "verbs": list(verbs)} for r in rules]
    read.append({"apiGroups": [""], "resources": ["namespaces"], "verbs": list(verbs)})
    role = f"gavel:{service_account}"
    subject = {"kind": "ServiceAccount", "name": service_account, "namespace": namespace}
    role_ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}
    return [
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": object_metadata(app, role),
            "rules": read,
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": object_metadata(app, role),
            "roleRef": role_ref,
            "subjects": [subject],
        },
    ]


def state_env() -> list[dict[str, Any]]:
    """gavel's home and temporary files on the writable `state` volume mounted at STATE_DIR."""
    return [{"name": "GAVEL_HOME", "value": STATE_DIR}, {"name": "TMPDIR", "value": STATE_DIR}]


def evidence_env(secret: str | None, url: str | None) -> dict[str, Any]:
    """GAVEL_EVIDENCE: the given URL, else the Secret's, else a SQLite file in the pod's state.

    Reading the URL from the Secret keeps the store's credentials out of the Deployment.
    """
    if url is None and secret is not None:
        return {
            "name": "GAVEL_EVIDENCE",
            "valueFrom": {"secretKeyRef": {"name": secret, "key": EVIDENCE_URL_KEY}},
        }
    return {"name": "GAVEL_EVIDENCE", "value": url or f"sqlite:///{STATE_DIR}/evidence.db"}


def signing_key_mount() -> dict[str, Any]:
    return {"name": "signing-key", "mountPath": KEYS_DIR, "readOnly": True}


def signing_key_volume(secret: str) -> dict[str, Any]:
    """The Secret as the keys folder: `active` and `<key id>.key`/`.pub` as `gavel keys` wrote them,
    readable by the pod's group only. A key made inside a pod would die with it, and a shared log
    refuses a second key, so every pod writing to one store signs with this one."""
    return {"name": "signing-key", "secret": {"secretName": secret, "defaultMode": 0o440}}


def container_security_context() -> dict[str, Any]:
    """What the restricted Pod Security Standard asks of a container, plus a read-only root."""
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": 65532,
        "runAsGroup": 65532,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def pod_security_context() -> dict[str, Any]:
    """Non-root, RuntimeDefault seccomp, and mounted volumes readable by the container's group."""
    return {"runAsNonRoot": True, "fsGroup": 65532, "seccompProfile": {"type": "RuntimeDefault"}}


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
        "env": [*state_env(), evidence_env(options.evidence_secret, options.evidence_url)],
        "ports": [{"name": "https", "containerPort": CONTAINER_PORT, "protocol": "TCP"}],
        "readinessProbe": _probe("/readyz", 5),
        "livenessProbe": _probe("/healthz", 10),
        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
        "securityContext": container_security_context(),
        "volumeMounts": [
            {"name": "tls", "mountPath": "/etc/gavel/tls", "readOnly": True},
            {"name": "enforcement", "mountPath": "/etc/gavel/enforcement", "readOnly": True},
            {"name": "state", "mountPath": STATE_DIR},
            *([signing_key_mount()] if options.evidence_secret else []),
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
        "automountServiceAccountToken": True,  # the namespace lookup reads Namespace labels
        "securityContext": pod_security_context(),
        "affinity": {"podAntiAffinity": anti_affinity},
        "containers": [container],
        "volumes": [
            {"name": "tls", "secret": {"secretName": TLS_SECRET}},
            {"name": "enforcement", "configMap": {"name": ENFORCEMENT_CONFIGMAP}},
            {"name": "state", "emptyDir": {}},
            *([signing_key_volume(options.evidence_secret)] if options.evidence_secret else []),
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
        *read_access(NAME, NAME, namespace, (), ("get",)),  # Namespaces only: their labels
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


def file_name(index: int, manifest: dict[str, Any], suffix: str = "yaml") -> str:
    """`NN-kind-name.yaml`, ordered as applied."""
    name = str(manifest["metadata"]["name"]).replace(":", "-")
    return f"{index:02d}-{manifest['kind'].lower()}-{name}.{suffix}"


def to_yaml(manifests: Sequence[dict[str, Any]]) -> str:
    """A multi-document YAML stream."""
    return "---\n".join(yaml.safe_dump(m, sort_keys=False, default_flow_style=False) for m in manifests)


def kustomization(manifests: Sequence[dict[str, Any]], suffix: str = "yaml") -> dict[str, Any]:
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": [file_name(index, m, suffix) for index, m in enumerate(manifests)],
    }
