"""The sources an audit reads, each expanded into units of work that a sharded audit splits.

A unit is what one shard of `gavel audit --shard i/N` either reads or leaves to another: a
cluster namespace (its Namespace object and every namespaced object in it, so namespace labels
and controllers stay with their workloads), the cluster-scoped kinds, an AWS region (every
regional service in it, so an instance and its volumes, a training job and its key, stay
together), one input file, one lineage store, one MLflow registry.

Units marked `shared` are the estate's join points: lineage (which links datasets to jobs and
classifies them), files (Terraform state, manifests, pipeline specs), MLflow, GX results and the
S3 buckets datasets live in. Every shard reads them, so cross-layer rules judging a shard's own
workloads and buckets see the same graph an unsharded audit sees; only the owning shard judges
them. Without `--shard` each live source is one unit, read exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..adapters.base import Adapter, Skipped
from ..adapters.kubernetes_cluster import ApiStatusError, ClusterConnection
from ..engine.errors import InputError, SourceLocation, UsageError
from ..engine.loader import PolicySet
from ..engine.models import Resource
from .audit_config import (
    AwsSpec,
    ClusterSpec,
    FilesSpec,
    GreatExpectationsSpec,
    LineageSpec,
    MlflowSpec,
    SourceSpec,
)

if TYPE_CHECKING:
    from ..adapters.aws import AwsConnection

Progress = Callable[[str], None]
GX_ADAPTERS = ("great_expectations", "great_expectations_run")


class AuditSource(Adapter, Protocol):
    """A source an audit reads: an adapter that can also say, for the evidence record, what it covered."""

    def describe(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Unit:
    """One unit of work: `key` is stable across pods and runs (it decides the owning shard)."""

    key: str
    shared: bool
    open: Callable[[], AuditSource]


@dataclass(frozen=True)
class Planning:
    """What every source needs to plan and read its units."""

    policy_set: PolicySet
    chunk_size: int
    collected_at: datetime
    sharded: bool
    strict: bool
    progress: Progress | None


def plan_units(spec: SourceSpec, planning: Planning) -> list[Unit]:
    """The units of a source; live sources connect here (an `InputError` when they cannot)."""
    if isinstance(spec, ClusterSpec):
        return _cluster_units(spec, planning)
    if isinstance(spec, AwsSpec):
        return _aws_units(spec, planning)
    if isinstance(spec, LineageSpec):
        return [Unit(f"lineage:{spec.store}", True, partial(_lineage, spec.store, planning.collected_at))]
    if isinstance(spec, MlflowSpec):
        opener = partial(_mlflow, spec.tracking_uri, planning.collected_at)
        return [Unit(f"mlflow:{spec.tracking_uri}", True, opener)]
    from ..adapters.detect import input_files

    accept = GX_ADAPTERS if isinstance(spec, GreatExpectationsSpec) else ()
    kind = spec.input_kind if isinstance(spec, FilesSpec) else None
    return [
        Unit(
            f"file:{file}",
            True,
            partial(FileSource, file, kind, accept, planning.strict, planning.collected_at),
        )
        for file in dict.fromkeys(input_files(spec.paths))
    ]


def describe_spec(spec: SourceSpec) -> str:
    """How a source is named in messages when it could not be planned at all."""
    if isinstance(spec, ClusterSpec):
        where = f" of {spec.kubeconfig}" if spec.kubeconfig else ""
        return f"cluster {spec.context or '(current context)'}{where}"
    if isinstance(spec, AwsSpec):
        where = f" at {spec.endpoint_url}" if spec.endpoint_url else ""
        regions = f" in {', '.join(spec.regions)}" if spec.regions else ""
        return f"aws {spec.profile or '(default credentials)'}{where}{regions}"
    if isinstance(spec, LineageSpec):
        return f"lineage {spec.store}"
    if isinstance(spec, MlflowSpec):
        return f"mlflow {spec.tracking_uri}"
    kind = "great_expectations" if isinstance(spec, GreatExpectationsSpec) else "files"
    return f"{kind} {', '.join(str(p) for p in spec.paths)}"


def cluster_source(
    policy_set: PolicySet,
    kubeconfig: Path | None,
    context: str | None,
    namespaces: Sequence[str],
    chunk_size: int,
    collected_at: datetime,
    progress: Progress | None = None,
) -> AuditSource:
    """The cluster, listing the kinds the loaded policies apply to (and Namespaces)."""
    from ..adapters.kubernetes_cluster import KubernetesCluster, connect

    return KubernetesCluster(
        connection=connect(kubeconfig, context),
        kinds=_policy_kinds(policy_set),
        collected_at=collected_at,
        namespaces=tuple(namespaces),
        page_size=chunk_size,
        progress=progress,
    )


def aws_source(
    profile: str | None,
    regions: Sequence[str],
    endpoint_url: str | None,
    retry_mode: str,
    max_attempts: int,
    chunk_size: int,
    collected_at: datetime,
    progress: Progress | None = None,
) -> AuditSource:
    """The AWS account of the profile (or default credentials) over the named regions."""
    from ..adapters.aws import AwsAccount

    connection, regions = _aws_connection(
        AwsSpec(profile, tuple(regions), endpoint_url, retry_mode, max_attempts)
    )
    return AwsAccount(
        connection=connection,
        regions=regions,
        collected_at=collected_at,
        page_size=chunk_size,
        progress=progress,
    )


def _policy_kinds(policy_set: PolicySet) -> tuple[str, ...]:
    from ..adapters.kubernetes_cluster import wanted_kinds

    return wanted_kinds(kind for p in policy_set.policies for kind in p.metadata.resource_kinds)


def _cluster_units(spec: ClusterSpec, planning: Planning) -> list[Unit]:
    if not planning.sharded:
        opener = partial(
            cluster_source,
            planning.policy_set,
            spec.kubeconfig,
            spec.context,
            spec.namespaces,
            planning.chunk_size,
            planning.collected_at,
            planning.progress,
        )
        return [Unit(f"cluster:{describe_spec(spec)}", False, opener)]
    from ..adapters.kubernetes_cluster import KubernetesCluster, connect, discover

    connection = DiscoveryCache.wrap(connect(spec.kubeconfig, spec.context))
    kinds = _policy_kinds(planning.policy_set)
    served, _ = discover(connection, kinds)
    scoped = tuple(k for k in kinds if k != "Namespace" and k in served and not served[k].namespaced)
    namespaced = tuple(k for k in kinds if k not in scoped)

    def cluster(kinds: tuple[str, ...], namespaces: tuple[str, ...]) -> AuditSource:
        return KubernetesCluster(
            connection=connection,
            kinds=kinds,
            collected_at=planning.collected_at,
            namespaces=namespaces,
            page_size=planning.chunk_size,
            progress=planning.progress,
        )

    prefix = f"cluster:{connection.name}"
    names = spec.namespaces or _namespace_names(connection, planning.chunk_size)
    units = [Unit(f"{prefix}/namespace/{ns}", False, partial(cluster, namespaced, (ns,))) for ns in names]
    if scoped:
        units.append(Unit(f"{prefix}/cluster-scoped", False, partial(cluster, scoped, ())))
    return units


def _namespace_names(connection: ClusterConnection, page_size: int) -> tuple[str, ...]:
    from ..adapters.kubernetes_cluster import ApiKind, ApiStatusError, list_objects

    try:
        items = list_objects(connection, ApiKind("Namespace", "v1", "namespaces", False), None, page_size)
    except ApiStatusError as error:
        raise InputError(
            f"cannot list namespaces to split the cluster into shards: {error}",
            SourceLocation(connection.server),
        ) from None
    return tuple(sorted(str((item.get("metadata") or {}).get("name")) for item in items))


@dataclass(frozen=True)
class DiscoveryCache(ClusterConnection):
    """A connection that asks the API server's discovery documents once, not once per namespace."""

    answers: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def wrap(cls, connection: ClusterConnection) -> DiscoveryCache:
        return cls(connection.client, connection.name, connection.server)

    def get(self, path: str, query: Sequence[tuple[str, str | int]] = ()) -> dict[str, Any]:
        if query or not _is_discovery(path):
            return super().get(path, query)
        if path not in self.answers:
            try:
                self.answers[path] = super().get(path)
            except ApiStatusError as error:  # an error status is an answer too: raised to each caller
                self.answers[path] = error
        answer = self.answers[path]
        if isinstance(answer, Exception):
            raise answer
        return dict(answer)


def _is_discovery(path: str) -> bool:
    parts = path.strip("/").split("/")
    return parts in (["api", "v1"], ["apis"]) or (len(parts) == 3 and parts[0] == "apis")


def _aws_connection(spec: AwsSpec) -> tuple[AwsConnection, tuple[str, ...]]:
    from importlib.util import find_spec

    from ..adapters.aws import RetryPolicy, connect

    if find_spec("boto3") is None:
        raise UsageError("gavel audit --aws needs boto3 (not installed)", hint="pip install 'gavel[aws]'")
    regions = tuple(dict.fromkeys(spec.regions)) or (_default_region(spec.profile),)
    retry = RetryPolicy(spec.retry_mode, spec.max_attempts)
    return connect(spec.profile, regions[0], spec.endpoint_url, retry), regions


def _default_region(profile: str | None) -> str:
    import boto3  # type: ignore[import-untyped]

    region = boto3.Session(profile_name=profile).region_name
    if not region:
        raise UsageError("no AWS region: pass --aws-region (repeatable) or set AWS_REGION")
    return str(region)


def _aws_units(spec: AwsSpec, planning: Planning) -> list[Unit]:
    settings = (planning.chunk_size, planning.collected_at, planning.progress)
    if not planning.sharded:
        fields = (spec.profile, spec.regions, spec.endpoint_url, spec.retry_mode, spec.max_attempts)
        return [Unit(f"aws:{describe_spec(spec)}", False, partial(aws_source, *fields, *settings))]
    from ..adapters.aws import AwsAccount
    from ..adapters.aws_collect import REGIONAL

    connection, regions = _aws_connection(spec)

    def account(regions: tuple[str, ...], services: tuple[str, ...]) -> AuditSource:
        return AwsAccount(
            connection=connection,
            regions=regions,
            collected_at=planning.collected_at,
            services=services,
            page_size=planning.chunk_size,
            progress=planning.progress,
        )

    prefix = f"aws:{connection.account}"
    units = [Unit(f"{prefix}/s3", True, partial(account, regions[:1], ("s3",)))]
    units.extend(
        Unit(f"{prefix}/{region}", False, partial(account, (region,), tuple(REGIONAL))) for region in regions
    )
    return units


def _lineage(url: str, collected_at: datetime) -> AuditSource:
    from ..adapters.openlineage_store import LineageStore, OpenLineageStore

    return OpenLineageStore(LineageStore.open(url), collected_at)


def _mlflow(tracking_uri: str, collected_at: datetime) -> AuditSource:
    from ..adapters.mlflow import collect_mlflow

    registry = collect_mlflow(tracking_uri, collected_at=collected_at)
    return Described(
        registry, {"type": "mlflow", "tracking_uri": tracking_uri, "resources": len(registry.resources)}
    )


@dataclass(frozen=True)
class Described:
    """An adapter read whole, with what the evidence record says about it."""

    adapter: Adapter
    description: dict[str, Any]

    @property
    def name(self) -> str:
        return self.adapter.name

    @property
    def skipped(self) -> Sequence[Skipped]:
        return self.adapter.skipped

    def collect(self) -> Iterator[Resource]:
        return self.adapter.collect()

    def describe(self) -> dict[str, Any]:
        return self.description


@dataclass
class FileSource:
    """One input file read as `gavel check` reads it; `accept` limits it to some adapters (GX)."""

    path: Path
    input_kind: str | None
    accept: tuple[str, ...]
    strict: bool
    collected_at: datetime
    name: str = "files"
    skipped: list[Skipped] = field(default_factory=list)
    resources: int = 0

    def collect(self) -> Iterator[Resource]:
        from ..adapters.detect import collect_paths

        collection = collect_paths(
            [self.path], input_kind=self.input_kind, strict=self.strict, collected_at=self.collected_at
        )
        self.skipped.extend(collection.skipped)
        found = collection.resources
        foreign = sorted(
            {r.provenance.adapter for r in found if self.accept and r.provenance.adapter not in self.accept}
        )
        if foreign:
            reason = f"not a Great Expectations result or validation config (read as {', '.join(foreign)})"
            self.skipped.append(Skipped(str(self.path), reason))
            found = ()
        self.resources = len(found)
        yield from found

    def describe(self) -> dict[str, Any]:
        kind = "great_expectations" if self.accept else "file"
        return {"type": kind, "path": str(self.path), "resources": self.resources}
