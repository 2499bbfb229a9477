"""The objects of a live Kubernetes cluster as resources, for `gavel audit --cluster`.

Connects with a kubeconfig (or the pod's service account when running in a cluster), maps the
kinds the policies apply to onto API paths through the server's own discovery documents, lists
every page of each kind and normalises each object exactly as a manifest would be
(`kubernetes.resource_from_object`), minus what the server adds for its own bookkeeping
(`managedFields`, kubectl's last-applied copy). A kind the credentials may not list is reported
and the rest of the cluster is still audited; only an unreachable server, unusable credentials
or a cluster where nothing at all could be listed stop the run.

Pods, ReplicaSets and Jobs created by a controller that is itself collected are judged through
that controller, whose template they copy, so one misconfigured Deployment is one finding and
not one per replica.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..engine.errors import InputError, SourceLocation
from ..engine.models import Provenance, Resource
from .base import Skipped
from .kubernetes import resource_from_object
from .sources import source_digest

ADAPTER_NAME = "kubernetes-cluster"
DEFAULT_PAGE_SIZE = 500
DEFAULT_KUBECONFIG = Path("~/.kube/config")
# Listed when a policy applies to every kind (`*`): the workloads, how they are exposed, and
# their namespaces. Secrets and ConfigMaps are never read.
DEFAULT_KINDS = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service", "Ingress")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_TIMEOUT = (10.0, 60.0)

Progress = Callable[[str], None]


class ApiStatusError(Exception):
    """The API server answered a request with an error status (its `Status` message kept)."""

    def __init__(self, status: int, message: str):
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ClusterConnection:
    """An API client for one cluster and the name it goes by in sources (context, else server)."""

    client: Any
    name: str
    server: str

    def get(self, path: str, query: Sequence[tuple[str, str | int]] = ()) -> dict[str, Any]:
        """GET a JSON document; unreachable servers are `InputError`s, error statuses `ApiStatusError`s."""
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        request = self.client.param_serialize(
            "GET",
            path,
            query_params=list(query),
            header_params={"Accept": "application/json"},
            auth_settings=["BearerToken"],
        )
        try:
            response = self.client.call_api(*request, _request_timeout=_TIMEOUT)
            body = response.read()
        except (HTTPError, ApiException) as error:
            raise InputError(
                f"cannot reach the Kubernetes API server: {_root_cause(error)}",
                SourceLocation(self.server),
                hint="check that the cluster is up and --context names it",
            ) from None
        if not 200 <= response.status <= 299:
            raise ApiStatusError(response.status, _status_message(body, response.reason))
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise ApiStatusError(response.status, f"{path} did not answer with a JSON object")
        return document


def connect(kubeconfig: Path | None, context: str | None) -> ClusterConnection:
    """Load credentials: `kubeconfig`, else `$KUBECONFIG`, else ~/.kube/config, else in-cluster."""
    from kubernetes import client, config

    configuration = client.Configuration()
    configuration.retries = 2
    config_file = _kubeconfig_file(kubeconfig)
    try:
        if config_file is None:
            config.load_incluster_config(client_configuration=configuration)  # type: ignore[no-untyped-call]
            name = configuration.host.split("://", 1)[-1]
        else:
            config.load_kube_config(  # type: ignore[no-untyped-call]
                config_file=config_file,
                context=context,
                client_configuration=configuration,
                persist_config=False,
            )
            name = context or config.list_kube_config_contexts(config_file)[1]["name"]  # type: ignore[no-untyped-call]
    except (config.ConfigException, OSError, ValueError, KeyError, TypeError) as error:
        where = config_file or "in-cluster service account"
        raise InputError(f"cannot load Kubernetes credentials: {error}", SourceLocation(where)) from None
    return ClusterConnection(
        client=client.ApiClient(configuration), name=str(name), server=str(configuration.host)
    )


def _kubeconfig_file(explicit: Path | None) -> str | None:
    """The kubeconfig path (or `:`-separated list) to load, or None to use the in-cluster account."""
    if explicit is not None:
        if not explicit.is_file():
            raise InputError("kubeconfig file does not exist", SourceLocation(str(explicit)))
        return str(explicit)
    if os.environ.get("KUBECONFIG"):
        return os.environ["KUBECONFIG"]
    default = DEFAULT_KUBECONFIG.expanduser()
    if default.is_file():
        return str(default)
    if os.environ.get("KUBERNETES_SERVICE_HOST"):
        return None
    raise InputError(
        f"no kubeconfig: {default} does not exist and KUBECONFIG is not set",
        hint="pass --kubeconfig PATH or --context, or run gavel inside the cluster",
    )


@dataclass(frozen=True)
class ApiKind:
    """Where the API serves one kind: its group/version, plural resource name and scope."""

    kind: str
    group_version: str
    plural: str
    namespaced: bool

    def path(self, namespace: str | None = None) -> str:
        root = "/api/v1" if self.group_version == "v1" else f"/apis/{self.group_version}"
        scope = f"/namespaces/{quote(namespace, safe='')}" if namespace else ""
        return f"{root}{scope}/{self.plural}"

    def __str__(self) -> str:
        return f"{self.kind} ({self.group_version})"


def wanted_kinds(policy_kinds: Iterable[str]) -> tuple[str, ...]:
    """The kinds to list: those the policies name (`*` adds the defaults), always Namespaces."""
    named = set(policy_kinds)
    if "*" in named:
        named |= set(DEFAULT_KINDS)
    named.discard("*")
    return ("Namespace", *sorted(named - {"Namespace"}))


def discover(connection: ClusterConnection, kinds: Iterable[str]) -> tuple[dict[str, ApiKind], list[Skipped]]:
    """Map kinds to API paths from the server's discovery; core first, then groups in server order."""
    wanted = set(kinds)
    found: dict[str, ApiKind] = {}
    skipped: list[Skipped] = []
    group_versions = ["v1"] + [
        str(group["preferredVersion"]["groupVersion"])
        for group in _required(connection, "/apis").get("groups", [])
        if isinstance(group, Mapping) and isinstance(group.get("preferredVersion"), Mapping)
    ]
    for group_version in group_versions:
        path = "/api/v1" if group_version == "v1" else f"/apis/{group_version}"
        try:
            document = _required(connection, path) if group_version == "v1" else connection.get(path)
        except ApiStatusError as error:
            skipped.append(Skipped(source=_uri(connection, group_version), reason=f"discovery: {error}"))
            continue
        for entry in document.get("resources", []):
            kind, plural = entry.get("kind"), entry.get("name", "")
            if (
                kind in wanted
                and kind not in found
                and "/" not in plural
                and "list" in entry.get("verbs", [])
            ):
                found[kind] = ApiKind(kind, group_version, plural, bool(entry.get("namespaced")))
    return found, skipped


def _required(connection: ClusterConnection, path: str) -> dict[str, Any]:
    """A discovery document the audit cannot do without: an error status stops the run."""
    try:
        return connection.get(path)
    except ApiStatusError as error:
        raise InputError(
            f"the Kubernetes API refused discovery ({path}): {error}",
            SourceLocation(connection.server),
            hint="check the credentials of the kubeconfig context",
        ) from None


def list_objects(
    connection: ClusterConnection, api_kind: ApiKind, namespace: str | None, page_size: int
) -> list[dict[str, Any]]:
    """Every object of a kind (in one namespace, or all), following `continue` page by page."""
    objects: list[dict[str, Any]] = []
    token = ""
    while True:
        query: list[tuple[str, str | int]] = [("limit", page_size)]
        if token:
            query.append(("continue", token))
        page = connection.get(api_kind.path(namespace), query)
        objects.extend(item for item in page.get("items") or [] if isinstance(item, dict))
        token = str((page.get("metadata") or {}).get("continue") or "")
        if not token:
            return objects


def live_object(item: Mapping[str, Any], api_kind: ApiKind) -> dict[str, Any]:
    """A listed item as a standalone object: apiVersion and kind set, server bookkeeping dropped."""
    obj = {"apiVersion": api_kind.group_version, "kind": api_kind.kind, **item}
    metadata = dict(obj.get("metadata") or {})
    metadata.pop("managedFields", None)
    annotations = {k: v for k, v in (metadata.get("annotations") or {}).items() if k != LAST_APPLIED}
    metadata.pop("annotations", None)
    if annotations:
        metadata["annotations"] = annotations
    obj["metadata"] = metadata
    return obj


def canonical_json(obj: Mapping[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _uri(connection: ClusterConnection, *parts: str) -> str:
    return "/".join([f"cluster://{quote(connection.name, safe=':@')}", *parts])


def object_source(connection: ClusterConnection, obj: Mapping[str, Any]) -> str:
    """`cluster://<context>/<apiVersion>/<kind>/<namespace>/<name>` (no namespace when cluster-scoped)."""
    metadata = obj.get("metadata") or {}
    scope = [metadata["namespace"]] if metadata.get("namespace") else []
    return _uri(connection, obj["apiVersion"], obj["kind"], *scope, str(metadata.get("name", "")))


def _controller_kind(obj: Mapping[str, Any]) -> str | None:
    for owner in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if isinstance(owner, Mapping) and owner.get("controller") is True:
            return str(owner.get("kind"))
    return None


@dataclass
class KubernetesCluster:
    """One cluster as an adapter; `skipped` (kinds that could not be listed) is complete after `collect`."""

    connection: ClusterConnection
    kinds: Sequence[str]
    collected_at: datetime
    namespaces: Sequence[str] = ()
    page_size: int = DEFAULT_PAGE_SIZE
    progress: Progress | None = None
    name: str = ADAPTER_NAME
    skipped: list[Skipped] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)
    objects: int = 0
    judged_through_controller: int = 0

    def collect(self) -> Iterator[Resource]:
        listed = self._list_every_kind()
        for api_kind, items in listed:
            for item in items:
                obj = live_object(item, api_kind)
                if _controller_kind(obj) in self.listed:
                    self.judged_through_controller += 1
                    continue
                self.objects += 1
                yield self._resource(obj)
        self._report(f"collected {self.objects} objects of {len(self.listed)} kinds")

    def _list_every_kind(self) -> list[tuple[ApiKind, list[dict[str, Any]]]]:
        """Each kind in full or not at all: a kind denied halfway through its pages is left out."""
        api_kinds, discovery_skipped = discover(self.connection, self.kinds)
        self.skipped.extend(discovery_skipped)
        listed: list[tuple[ApiKind, list[dict[str, Any]]]] = []
        for api_kind in (api_kinds[kind] for kind in self.kinds if kind in api_kinds):
            try:
                items = self._list(api_kind)
            except ApiStatusError as error:
                source = _uri(self.connection, api_kind.group_version, api_kind.kind)
                self.skipped.append(Skipped(source=source, reason=str(error)))
                self._report(f"{api_kind}: not listed: {error}")
                continue
            self.listed.append(api_kind.kind)
            listed.append((api_kind, items))
            self._report(f"{api_kind}: {len(items)} objects")
        if not listed:
            denied = "; ".join(skipped.reason for skipped in self.skipped) or "the API serves none of them"
            raise InputError(
                f"no kind of {', '.join(self.kinds)} could be listed: {denied}",
                SourceLocation(self.connection.server),
            )
        return listed

    def describe(self) -> dict[str, Any]:
        """What was audited, for the evidence record."""
        return {
            "type": ADAPTER_NAME,
            "cluster": self.connection.name,
            "server": self.connection.server,
            "namespaces": list(self.namespaces) or "all",
            "kinds": list(self.listed),
            "objects": self.objects,
            "judged_through_controller": self.judged_through_controller,
            "not_listed": [str(skipped) for skipped in self.skipped],
        }

    def _list(self, api_kind: ApiKind) -> list[dict[str, Any]]:
        if not self.namespaces:
            return list_objects(self.connection, api_kind, None, self.page_size)
        if api_kind.kind == "Namespace":
            return [
                self.connection.get(f"{api_kind.path()}/{quote(name, safe='')}") for name in self.namespaces
            ]
        if not api_kind.namespaced:
            return list_objects(self.connection, api_kind, None, self.page_size)
        return [
            item
            for namespace in self.namespaces
            for item in list_objects(self.connection, api_kind, namespace, self.page_size)
        ]

    def _resource(self, obj: dict[str, Any]) -> Resource:
        provenance = Provenance(
            adapter=ADAPTER_NAME,
            source=object_source(self.connection, obj),
            source_digest=source_digest(canonical_json(obj)),
            collected_at=self.collected_at,
        )
        return resource_from_object(obj, provenance)

    def _report(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)


def _status_message(body: bytes, reason: str | None) -> str:
    """The `message` of a Kubernetes `Status` body, else the HTTP reason phrase."""
    try:
        status = json.loads(body)
    except ValueError:
        status = None
    if isinstance(status, Mapping) and status.get("message"):
        return f"{reason or ''}: {status['message']}".lstrip(": ")
    return reason or "error"


def _root_cause(error: BaseException) -> str:
    """The innermost reason of a urllib3 error (`Connection refused`), not its retry wrapper."""
    reason = getattr(error, "reason", None)
    if isinstance(reason, BaseException):
        return _root_cause(reason)
    text = " ".join((reason if isinstance(reason, str) and reason else str(error)).split())
    return text.rsplit("] ", 1)[-1] if "] " in text else text
