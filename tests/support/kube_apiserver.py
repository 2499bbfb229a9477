"""A Kubernetes API server on 127.0.0.1 serving the test cluster described in cluster.yaml.

It answers what a client needs to audit a cluster, the way kube-apiserver does: discovery
(`/api`, `/api/v1`, `/apis`, `/apis/<group>/<version>`, with one aggregated group that is down),
lists of each kind across all namespaces or in one (`kind: DeploymentList`, items without
apiVersion/kind, `metadata.resourceVersion`, pages of `limit` objects chained by `continue`),
single namespaces, bearer-token authentication (401) and RBAC refusals for chosen resources
(403, with the API server's own message). Every request is logged for tests to inspect.
The socket listens before the constructor returns, so a client may connect at once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

CLUSTER = Path(__file__).resolve().parent.parent / "data" / "cluster"
MANIFESTS = CLUSTER.parent / "adapters" / "kubernetes"
CREATED = "2026-11-20T09:00:00Z"

# group/version, plural, kind, namespaced (a subset of a v1.31 cluster's discovery, in its order).
SERVED = (
    ("v1", "namespaces", "Namespace", False),
    ("v1", "pods", "Pod", True),
    ("v1", "services", "Service", True),
    ("v1", "persistentvolumeclaims", "PersistentVolumeClaim", True),
    ("v1", "configmaps", "ConfigMap", True),
    ("apps/v1", "deployments", "Deployment", True),
    ("apps/v1", "replicasets", "ReplicaSet", True),
    ("apps/v1", "statefulsets", "StatefulSet", True),
    ("apps/v1", "daemonsets", "DaemonSet", True),
    ("batch/v1", "jobs", "Job", True),
    ("batch/v1", "cronjobs", "CronJob", True),
    ("autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", True),
    ("networking.k8s.io/v1", "ingresses", "Ingress", True),
)
# Subresources appear in discovery too; a client must not mistake them for kinds.
SUBRESOURCES = (("v1", "pods/status", "Pod"), ("apps/v1", "deployments/scale", "Scale"))
UNAVAILABLE_GROUP = "metrics.k8s.io/v1beta1"
LIST_PATH = re.compile(
    r"^/(?:api/v1|apis/(?P<group>[^/]+)/(?P<version>[^/]+))(?:/namespaces/(?P<ns>[^/]+))?/(?P<plural>[^/]+)$"
)


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def _short_hash(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:10]


class Cluster:
    """The stored objects, by kind, with the metadata the API server and controllers add."""

    def __init__(self, description: Path = CLUSTER / "cluster.yaml"):
        spec = yaml.safe_load(description.read_text())
        self.kind_of = {plural: kind for _, plural, kind, _ in SERVED}
        self.objects: dict[str, list[dict[str, Any]]] = {kind: [] for _, _, kind, _ in SERVED}
        self._version = 1000
        for name, labels in spec["namespaces"].items():
            self._store(
                "v1",
                {
                    "kind": "Namespace",
                    "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name, **labels}},
                    "spec": {"finalizers": ["kubernetes"]},
                    "status": {"phase": "Active"},
                },
            )
        for namespace, files in spec["apply"].items():
            for file in files:
                for manifest in yaml.safe_load_all((MANIFESTS / file).read_text()):
                    if isinstance(manifest, dict) and manifest.get("kind") in self.objects:
                        self._apply(manifest, namespace, spec.get("patches", []))

    def _apply(self, manifest: dict[str, Any], namespace: str, patches: list[dict[str, Any]]) -> None:
        obj = json.loads(json.dumps(manifest))
        metadata = obj.setdefault("metadata", {})
        metadata.setdefault("namespace", namespace)
        for patch in patches:
            if (patch["namespace"], patch["kind"], patch["name"]) == (
                metadata["namespace"],
                obj["kind"],
                metadata["name"],
            ):
                obj["spec"]["template"]["spec"].setdefault("nodeSelector", {}).update(patch["nodeSelector"])
        applied = json.dumps(obj, sort_keys=True)
        metadata.setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = applied
        stored = self._store(obj.pop("apiVersion"), obj, manager="kubectl-client-side-apply")
        if obj["kind"] == "Deployment":
            replica_set = self._owned(stored, "ReplicaSet", "apps/v1", _short_hash(applied))
            replica_set["spec"] = {
                "replicas": obj["spec"].get("replicas", 1),
                "template": obj["spec"]["template"],
            }
            self._pod(replica_set, obj["spec"]["template"])
        elif obj["kind"] == "DaemonSet":
            self._pod(stored, obj["spec"]["template"])

    def _pod(self, owner: dict[str, Any], template: dict[str, Any]) -> None:
        pod = self._owned(owner, "Pod", "v1", _short_hash(owner["metadata"]["name"])[:5])
        pod["metadata"]["labels"] = dict(template.get("metadata", {}).get("labels", {}))
        pod["spec"] = {**template["spec"], "nodeName": "gke-gpu-pool-node-1"}
        pod["status"] = {"phase": "Running"}

    def _owned(self, owner: dict[str, Any], kind: str, api_version: str, suffix: str) -> dict[str, Any]:
        meta = owner["metadata"]
        reference = {
            "apiVersion": owner["apiVersion"],
            "kind": owner["kind"],
            "name": meta["name"],
            "uid": meta["uid"],
            "controller": True,
            "blockOwnerDeletion": True,
        }
        child = {
            "kind": kind,
            "metadata": {
                "name": f"{meta['name']}-{suffix}",
                "namespace": meta["namespace"],
                "ownerReferences": [reference],
            },
        }
        return self._store(api_version, child, manager="kube-controller-manager")

    def _store(
        self, api_version: str, obj: dict[str, Any], manager: str = "kube-apiserver"
    ) -> dict[str, Any]:
        self._version += 1
        meta = obj["metadata"]
        meta.update(
            uid=_uid(meta.get("namespace", ""), obj["kind"], meta["name"]),
            resourceVersion=str(self._version),
            creationTimestamp=CREATED,
            managedFields=[
                {
                    "manager": manager,
                    "operation": "Update",
                    "apiVersion": api_version,
                    "time": CREATED,
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:metadata": {}},
                }
            ],
        )
        obj["apiVersion"] = api_version
        self.objects[obj["kind"]].append(obj)
        return obj

    def items(self, kind: str, namespace: str | None) -> list[dict[str, Any]]:
        """Stored objects as list items: apiVersion and kind left out, as the API server does."""
        return [
            {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}
            for obj in self.objects[kind]
            if namespace is None or obj["metadata"].get("namespace") == namespace
        ]


def _status(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "details": details or {},
        "code": code,
    }


class ClusterApiServer:
    """Serves a `Cluster` over HTTP on a free loopback port until closed."""

    def __init__(
        self, cluster: Cluster, *, token: str = "audit-token", forbidden: frozenset[str] = frozenset()
    ):
        self.cluster = cluster
        self.token = token
        self.forbidden = set(forbidden)
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def __enter__(self) -> ClusterApiServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()

    def write_kubeconfig(self, path: Path, *, context: str = "gavel-audit", token: str | None = None) -> Path:
        document = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "loopback", "cluster": {"server": self.url}}],
            "users": [{"name": "auditor", "user": {"token": token or self.token}}],
            "contexts": [{"name": context, "context": {"cluster": "loopback", "user": "auditor"}}],
            "current-context": context,
        }
        path.write_text(yaml.safe_dump(document))
        return path

    def requests_for(self, path: str) -> list[dict[str, str]]:
        with self._lock:
            return [query for seen, query in self.requests if seen == path]

    def respond(self, path: str, query: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests.append((path, query))
        if authorization != f"Bearer {self.token}":
            return 401, _status(401, "Unauthorized", "Unauthorized")
        if path == "/api":
            return 200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
        if path == "/apis":
            return 200, self._groups()
        if path == "/api/v1" or (path.startswith("/apis/") and path.count("/") == 3):
            return self._resources(path.removeprefix("/api/").removeprefix("/apis/"))
        single = re.match(r"^/api/v1/namespaces/([^/]+)$", path)
        if single:
            return self._namespace(unquote(single.group(1)))
        match = LIST_PATH.match(path)
        if match is None or match["plural"] not in self.cluster.kind_of:
            return 404, _status(404, "NotFound", "the server could not find the requested resource")
        return self._list(match["group"] or "", match["plural"], match["ns"] and unquote(match["ns"]), query)

    def _groups(self) -> dict[str, Any]:
        versions = [gv for gv in dict.fromkeys(gv for gv, *_ in SERVED) if gv != "v1"] + [UNAVAILABLE_GROUP]
        groups = []
        for group_version in versions:
            entry = {"groupVersion": group_version, "version": group_version.split("/")[1]}
            groups.append(
                {"name": group_version.split("/")[0], "versions": [entry], "preferredVersion": entry}
            )
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}

    def _resources(self, group_version: str) -> tuple[int, dict[str, Any]]:
        if group_version == UNAVAILABLE_GROUP:
            return 503, _status(
                503, "ServiceUnavailable", "the server is currently unable to handle the request"
            )
        verbs = ["create", "delete", "get", "list", "patch", "update", "watch"]
        resources = [
            {"name": plural, "singularName": "", "namespaced": namespaced, "kind": kind, "verbs": verbs}
            for gv, plural, kind, namespaced in SERVED
            if gv == group_version
        ] + [
            {
                "name": name,
                "singularName": "",
                "namespaced": True,
                "kind": kind,
                "verbs": ["get", "patch", "update"],
            }
            for gv, name, kind in SUBRESOURCES
            if gv == group_version
        ]
        if not resources:
            return 404, _status(404, "NotFound", "the server could not find the requested resource")
        return 200, {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": group_version,
            "resources": resources,
        }

    def _namespace(self, name: str) -> tuple[int, dict[str, Any]]:
        for obj in self.cluster.objects["Namespace"]:
            if obj["metadata"]["name"] == name:
                return 200, obj
        return 404, _status(
            404, "NotFound", f'namespaces "{name}" not found', {"name": name, "kind": "namespaces"}
        )

    def _list(
        self, group: str, plural: str, namespace: str | None, query: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        if plural in self.forbidden:
            resource = f"{plural}.{group}" if group else plural
            scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
            message = (
                f'{resource} is forbidden: User "system:serviceaccount:gavel:auditor" cannot list resource '
                f'"{plural}" in API group "{group}" {scope}'
            )
            return 403, _status(403, "Forbidden", message, {"group": group, "kind": plural})
        kind = self.cluster.kind_of[plural]
        items = self.cluster.items(kind, namespace)
        offset = (
            json.loads(base64.urlsafe_b64decode(query["continue"]))["offset"] if query.get("continue") else 0
        )
        limit = int(query["limit"]) if query.get("limit") else len(items)
        page = items[offset : offset + limit]
        metadata: dict[str, Any] = {"resourceVersion": str(self.cluster._version)}
        if offset + limit < len(items):
            metadata["continue"] = base64.urlsafe_b64encode(
                json.dumps({"offset": offset + limit}).encode()
            ).decode()
            metadata["remainingItemCount"] = len(items) - offset - limit
        api_version = (
            f"{group}/{next(gv for gv, p, *_ in SERVED if p == plural).split('/')[-1]}" if group else "v1"
        )
        return 200, {"kind": f"{kind}List", "apiVersion": api_version, "metadata": metadata, "items": page}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {key: values[-1] for key, values in parse_qs(url.query).items()}
                status, document = server.respond(url.path, query, self.headers.get("Authorization", ""))
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
