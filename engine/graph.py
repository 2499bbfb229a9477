"""The estate graph: the links adapters declare, resolved against every collected identity.

An adapter only knows its own document ("this job reads `dataset:s3://lake/users`", "this bucket
answers to `storage:s3://lake`"); which resources those keys meet is known only once every source
of a run is collected. `resolve` turns declared links into typed edges between resources, joins
workloads to the lineage jobs they run, and records what could not be resolved, so a policy can
tell "no training data" from "training data named but never collected". The vocabulary and the
joining rules are in `engine.identities`. Pure and deterministic: the same resources in the same
order give the same edges in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .identities import INVERSE_LINK_TYPES, LINEAGE_PLATFORM, resource_key, storage_key
from .models import Link, Resource

_LINEAGE = ("reads", "writes")
_DEFERRED = ("runs", "trained_on")
_PROCESSES = ("job:", "run:")

Adjacency = dict[str, dict[str, list[str]]]


@dataclass(frozen=True)
class Edge:
    """`source` `type` `target` (`reads`, `stored_in`, ...); `via` names the job an edge came through.

    A workload inherits `reads` from the lineage job it runs, and a model is `trained_on` the
    datasets its training job reads: `via` keeps that job, so a reader can see why the edge exists.
    """

    source: str
    target: str
    type: str
    via: str | None = None

    def to_document(self) -> dict[str, str]:
        document = {"from": self.source, "to": self.target, "type": self.type}
        if self.via is not None:
            document["via"] = self.via
        return document


@dataclass(frozen=True)
class Graph:
    """The resolved edges, and per resource the links that named nothing collected."""

    edges: tuple[Edge, ...]
    unresolved: Mapping[str, tuple[Link, ...]]


class _Claims:
    """Identity key -> ids of the resources answering to it, in collection order."""

    def __init__(self, resources: Mapping[str, Resource]):
        self.ids: dict[str, list[str]] = {}
        for rid, resource in resources.items():
            for key in (resource_key(rid), *resource.identities):
                claimants = self.ids.setdefault(key, [])
                if not claimants or claimants[-1] != rid:
                    claimants.append(rid)

    def lookup(self, key: str, resource: Resource) -> list[str]:
        if key.startswith("resource:"):
            same_file = self.ids.get(f"{key}@{resource.provenance.source}")
            if same_file:
                return same_file
        found = self.ids.get(key)
        if found:
            return found
        # A dataset nobody collected still names where it is stored.
        storage = storage_key(key.removeprefix("dataset:")) if key.startswith("dataset:") else None
        return self.ids.get(storage, []) if storage else []


class _Edges:
    """Edges in insertion order, each (source, type, target) once: the first reason wins."""

    def __init__(self) -> None:
        self._edges: dict[tuple[str, str, str], Edge] = {}

    def add(self, source: str, target: str, type_: str, via: str | None = None) -> None:
        if source != target:
            self._edges.setdefault((source, type_, target), Edge(source, target, type_, via))

    def values(self) -> Iterable[Edge]:
        return self._edges.values()


def declared_links(resource: Resource) -> list[Link]:
    """The resource's links; a dataset named by a storage URI that does not say where it is
    stored gets the implicit link to that storage."""
    if any(link.type == "stored_in" for link in resource.links):
        return list(resource.links)
    implicit = [
        Link("stored_in", storage)
        for key in resource.identities
        if key.startswith("dataset:")
        for storage in [storage_key(key.removeprefix("dataset:"))]
        if storage is not None
    ]
    return list(dict.fromkeys([*resource.links, *implicit]))


def resolve(resources: Mapping[str, Resource], extra: Iterable[Edge] = ()) -> Graph:
    """Every declared link as edges to the resources answering to its target (see module doc)."""
    claims = _Claims(resources)
    edges = _Edges()
    unresolved: dict[str, list[Link]] = {}
    deferred: list[tuple[str, Link, list[str]]] = []
    for rid, resource in resources.items():
        for link in declared_links(resource):
            targets = claims.lookup(link.target, resource)
            if link.type in _DEFERRED:
                deferred.append((rid, link, targets))
            elif not targets:
                unresolved.setdefault(rid, []).append(link)
            elif link.type in INVERSE_LINK_TYPES:
                for target in targets:
                    edges.add(target, rid, INVERSE_LINK_TYPES[link.type])
            else:
                for target in targets:
                    edges.add(rid, target, link.type)
    lineage = _lineage_of(edges.values())
    runs = _job_runners(resources, claims) + [
        (rid, target)
        for rid, link, targets in deferred
        if link.type == "runs"
        for target in targets
        if target != rid
    ]
    for runner, job in runs:
        edges.add(runner, job, "runs")
        for edge in lineage.get(job, ()):
            edges.add(runner, edge.target, edge.type, via=job)
    reads = _lineage_of(edges.values(), ("reads",))
    for rid, link, targets in deferred:
        if link.type == "trained_on":
            resolved = _training_data(rid, link, targets, reads, edges)
        else:
            resolved = [target for target in targets if target != rid]
        if not resolved:
            unresolved.setdefault(rid, []).append(link)
    for edge in extra:
        edges.add(edge.source, edge.target, edge.type, edge.via)
    return Graph(tuple(edges.values()), {rid: tuple(links) for rid, links in unresolved.items()})


def _lineage_of(edges: Iterable[Edge], types: tuple[str, ...] = _LINEAGE) -> dict[str, list[Edge]]:
    found: dict[str, list[Edge]] = {}
    for edge in edges:
        if edge.type in types:
            found.setdefault(edge.source, []).append(edge)
    return found


def _job_runners(resources: Mapping[str, Resource], claims: _Claims) -> list[tuple[str, str]]:
    """(runner, lineage job) pairs among resources sharing a `job:` key (engine.identities)."""
    pairs: list[tuple[str, str]] = []
    for key, members in claims.ids.items():
        if not key.startswith("job:") or len(members) < 2:
            continue
        jobs = [m for m in members if resources[m].platform == LINEAGE_PLATFORM] or [
            m for m in members if any(link.type in _LINEAGE for link in resources[m].links)
        ]
        lineage_jobs = set(jobs)
        runners = [m for m in members if m not in lineage_jobs]
        pairs.extend((runner, job) for runner in runners for job in jobs)
    return pairs


def _training_data(
    rid: str, link: Link, targets: list[str], reads: Mapping[str, list[Edge]], edges: _Edges
) -> list[str]:
    """Add `trained_on` edges: to what a training job or run reads, or to the data named itself.

    A job or run with no recorded inputs traces no data, so the link stays unresolved.
    """
    resolved = []
    for target in targets:
        if target in reads:
            for edge in reads[target]:
                edges.add(rid, edge.target, "trained_on", via=edge.via or target)
                resolved.append(edge.target)
        elif not link.target.startswith(_PROCESSES):
            edges.add(rid, target, "trained_on")
            resolved.append(target)
    return resolved


def adjacency(edges: Iterable[Edge]) -> tuple[Adjacency, Adjacency]:
    """`out[id][type] -> [target ids]` and `in[id][type] -> [source ids]`, in edge order."""
    outgoing: Adjacency = {}
    incoming: Adjacency = {}
    for edge in edges:
        outgoing.setdefault(edge.source, {}).setdefault(edge.type, []).append(edge.target)
        incoming.setdefault(edge.target, {}).setdefault(edge.type, []).append(edge.source)
    return outgoing, incoming


def upstream(outgoing: Adjacency, incoming: Adjacency) -> dict[str, list[str]]:
    """One step of dataset lineage: what the writers of each written resource read.

    Loaded once as `data.gavel.estate.upstream`, so a rule walks lineage transitively with
    `graph.reachable` instead of rebuilding the relation for every resource it judges.
    """
    found: dict[str, list[str]] = {}
    for target, types in incoming.items():
        writers = types.get("writes")
        if not writers:
            continue
        sources = dict.fromkeys(
            read for writer in writers for read in outgoing.get(writer, {}).get("reads", ()) if read != target
        )
        if sources:
            found[target] = list(sources)
    return found
