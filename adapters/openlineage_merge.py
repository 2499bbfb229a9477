"""From a stream of OpenLineage events to one resource per dataset and one per job.

Events arrive many per run and many runs per job, from files or the lineage store. Policies judge
the state a dataset or job is in, so every event is folded into its dataset and job in eventTime
order (ties keep arrival order): the latest event wins per facet, a facet sent with
`_deleted: true` is removed, and the job keeps the state and time of its latest run. The result
is the same whatever order the events were read in.

Each dataset and job depends only on its own events, so folding them in the order read gives
the same result as long as every dataset and job gets its own events in time order, as it does
from its producer even when the producers of a file interleave. A file of 100,000 events does
not fit comfortably in memory as parsed documents, so a reader folds each event as it reads it
(`ArrivalFold`) and keeps only its time and where to find it again. Should an event reach a
dataset or job earlier in time than one folded into it before, the reader's events are folded
again from the start, in time order, once all have been read: the same result, at the price of
a second read.

A dataset's data classification is the most sensitive value found in its tags facet (tags with a
`field` are column tags), in tags on its schema fields, or on its ownership facet or owners
(DESIGN.md section 3); it becomes the `data-classification` label every policy reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, Generic, NamedTuple, TypeVar

from ..engine.estate import CLASSIFICATION_KEYS, most_sensitive
from ..engine.identities import dataset_key, job_key, storage_key
from ..engine.models import Link, Provenance, Resource
from .labels import flatten_labels
from .openlineage_formats import parse_time

ADAPTER_NAME = "openlineage"
PLATFORM = "openlineage"
DATASET_KIND = "openlineage_dataset"
JOB_KIND = "openlineage_job"
_FACET_PLACES = ("facets", "inputFacets", "outputFacets")

Handle = TypeVar("Handle")


@dataclass(frozen=True)
class LocatedEvent:
    """A schema-valid event and where it was read (file and line, or store and row)."""

    event: Mapping[str, Any]
    source: str
    source_digest: str
    line: int | None

    @property
    def time(self) -> datetime:
        return event_time(self.event)


class _Seen(NamedTuple):
    """The time and place of the latest event folded into a dataset or job: its provenance.

    Kept instead of the event itself, so a folded dataset holds its facets, not whole events.
    """

    time: datetime
    source: str
    source_digest: str
    line: int | None


def event_time(event: Mapping[str, Any]) -> datetime:
    """The event's eventTime as an aware datetime (a time without offset is read as UTC).

    The event passed validation, so `parse_time` reads its time; `datetime.fromisoformat` reads
    the usual forms a hundred times faster and to the same value, and goes first.
    """
    text = str(event["eventTime"])
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = parse_time(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass
class _Dataset:
    namespace: str
    name: str
    key: str
    last: _Seen
    facets: dict[str, dict[str, Any]] = field(default_factory=lambda: {p: {} for p in _FACET_PLACES})
    readers: set[str] = field(default_factory=set)
    writers: set[str] = field(default_factory=set)


@dataclass
class _Job:
    namespace: str
    name: str
    last: _Seen
    facets: dict[str, Any] = field(default_factory=dict)
    inputs: set[str] = field(default_factory=set)
    outputs: set[str] = field(default_factory=set)
    latest_run: dict[str, Any] | None = None
    run_facets: dict[str, Any] = field(default_factory=dict)


def merge_events(events: Iterable[LocatedEvent], collected_at: datetime) -> tuple[Resource, ...]:
    """Dataset resources (sorted by key) then job resources (sorted by key)."""
    fold = EventFold()
    timed = [(located, located.time) for located in events]
    for located, time in sorted(timed, key=itemgetter(1)):  # stable: ties keep arrival order
        fold.add(located, time)
    return fold.resources(collected_at)


class EventFold:
    """Datasets and jobs with events folded into them one at a time, in the order given.

    `in_order` stays true while every dataset and job got its events in time order, the only
    order the result may depend on.
    """

    def __init__(self) -> None:
        self._datasets: dict[str, _Dataset] = {}
        self._jobs: dict[str, _Job] = {}
        self.in_order = True

    def add(self, located: LocatedEvent, time: datetime) -> None:
        """Fold one event whose eventTime is `time`."""
        seen = _Seen(time, located.source, located.source_digest, located.line)
        event = located.event
        if "dataset" in event and "job" not in event:
            self._dataset(event["dataset"], seen)
            return
        job_doc = event["job"]
        this_job = job_key(job_doc["namespace"], job_doc["name"])
        job = self._jobs.get(this_job)
        if job is None:
            job = self._jobs[this_job] = _Job(job_doc["namespace"], job_doc["name"], seen)
        elif time < job.last.time:
            self.in_order = False
        job.last = seen
        given = job_doc.get("facets")
        if given:
            _apply_facets(job.facets, given)
        for document in event.get("inputs") or ():
            dataset = self._dataset(document, seen)
            job.inputs.add(dataset.key)
            dataset.readers.add(this_job)
        for document in event.get("outputs") or ():
            dataset = self._dataset(document, seen)
            job.outputs.add(dataset.key)
            dataset.writers.add(this_job)
        run = event.get("run")
        if isinstance(run, (dict, Mapping)):
            if job.latest_run is None or job.latest_run["runId"] != run["runId"]:
                job.run_facets = {}
            _apply_facets(job.run_facets, run.get("facets") or {})
            job.latest_run = {
                "runId": run["runId"],
                "eventType": event.get("eventType"),
                "eventTime": event["eventTime"],
            }

    def _dataset(self, document: Mapping[str, Any], seen: _Seen) -> _Dataset:
        key = dataset_key(document["namespace"], document["name"])
        dataset = self._datasets.get(key)
        if dataset is None:
            dataset = self._datasets[key] = _Dataset(document["namespace"], document["name"], key, seen)
        elif seen.time < dataset.last.time:
            self.in_order = False
        dataset.last = seen
        facets = dataset.facets
        for place in _FACET_PLACES:
            given = document.get(place)
            if given:
                _apply_facets(facets[place], given)
        return dataset

    def resources(self, collected_at: datetime) -> tuple[Resource, ...]:
        """Dataset resources (sorted by key) then job resources (sorted by key)."""
        datasets, jobs = self._datasets, self._jobs
        return tuple(
            [_dataset_resource(datasets[k], collected_at) for k in sorted(datasets)]
            + [_job_resource(jobs[k], collected_at) for k in sorted(jobs)]
        )


class ArrivalFold(Generic[Handle]):
    """Events folded as they are read; refolded in time order if a dataset or job got them out of it.

    `add` takes each valid event with a handle that finds it again (a file offset, a row);
    `reread` turns a handle back into the event when a refold is needed. Only the time and
    handle of each event are kept besides the fold.
    """

    def __init__(self, reread: Callable[[Handle], LocatedEvent]) -> None:
        self._reread = reread
        self._fold: EventFold | None = EventFold()
        self._arrivals: list[tuple[datetime, Handle]] = []

    @property
    def count(self) -> int:
        """How many events were added."""
        return len(self._arrivals)

    def add(self, located: LocatedEvent, handle: Handle) -> None:
        time = located.time
        if self._fold is not None:
            self._fold.add(located, time)
            if not self._fold.in_order:
                self._fold = None  # refolded from the handles at the end
        self._arrivals.append((time, handle))

    def resources(self, collected_at: datetime) -> tuple[Resource, ...]:
        fold = self._fold
        if fold is None:
            fold = EventFold()
            for time, handle in sorted(self._arrivals, key=itemgetter(0)):  # stable, as merge_events
                fold.add(self._reread(handle), time)
        return fold.resources(collected_at)


def _apply_facets(merged: dict[str, Any], facets: Mapping[str, Any]) -> None:
    for name, facet in facets.items():
        if isinstance(facet, (dict, Mapping)) and facet.get("_deleted") is True:
            merged.pop(name, None)
        else:
            merged[name] = facet


def _provenance(seen: _Seen, collected_at: datetime) -> Provenance:
    return Provenance(
        adapter=ADAPTER_NAME,
        source=seen.source,
        source_digest=seen.source_digest,
        collected_at=collected_at,
        line=seen.line,
    )


def dataset_storage_key(namespace: str, name: str) -> str | None:
    """The storage a dataset lives in, from its `<namespace>/<name>` URI.

    OpenLineage names a PostgreSQL table `<database>.<schema>.<table>` in namespace
    `postgres://host:port`, so the database is the name's first dotted part.
    """
    if namespace.lower().startswith(("postgres://", "postgresql://")):
        return storage_key(f"{namespace.rstrip('/')}/{name.split('.', 1)[0]}")
    return storage_key(f"{namespace.rstrip('/')}/{name.lstrip('/')}")


def _dataset_resource(dataset: _Dataset, collected_at: datetime) -> Resource:
    facets = dataset.facets["facets"]
    tags = _tags(facets.get("tags"))
    column_tags = _column_tags(facets)
    owners = _owners(facets.get("ownership"))
    classification = most_sensitive(
        [_classification(tags), *(_classification(t) for t in column_tags.values()), _ownership_class(facets)]
    )
    labels = flatten_labels(tags)
    if classification:
        labels["data-classification"] = classification
    key = dataset.key
    storage = dataset_storage_key(dataset.namespace, dataset.name)
    attributes = {
        "namespace": dataset.namespace,
        "name": dataset.name,
        **dataset.facets,
        "tags": tags,
        "column_tags": column_tags,
        "owners": owners,
        "lifecycle": _lifecycle(facets.get("lifecycleStateChange")),
        "data_quality": _data_quality(dataset.facets),
        "readers": sorted(dataset.readers),
        "writers": sorted(dataset.writers),
        "storage": storage,
        "last_event_time": _iso(dataset.last),
    }
    return Resource(
        id=f"{PLATFORM}:{key}",
        kind=DATASET_KIND,
        name=dataset.name,
        platform=PLATFORM,
        attributes=attributes,
        provenance=_provenance(dataset.last, collected_at),
        labels=labels,
        namespace=dataset.namespace,
        identities=(key,),
        links=(Link("stored_in", storage),) if storage else (),
    )


def _job_resource(job: _Job, collected_at: datetime) -> Resource:
    key = job_key(job.namespace, job.name)
    tags = _tags(job.facets.get("tags"))
    attributes = {
        "namespace": job.namespace,
        "name": job.name,
        "facets": job.facets,
        "job_type": job.facets.get("jobType"),
        "tags": tags,
        "owners": _owners(job.facets.get("ownership")),
        "inputs": sorted(job.inputs),
        "outputs": sorted(job.outputs),
        "latest_run": job.latest_run,
        "run_facets": job.run_facets,
        "parent": _parent(job.run_facets.get("parent")),
        "last_event_time": _iso(job.last),
    }
    return Resource(
        id=f"{PLATFORM}:{key}",
        kind=JOB_KIND,
        name=job.name,
        platform=PLATFORM,
        attributes=attributes,
        provenance=_provenance(job.last, collected_at),
        labels=flatten_labels(tags),
        namespace=job.namespace,
        identities=(key,),
        links=tuple(
            [Link("reads", target) for target in sorted(job.inputs)]
            + [Link("writes", target) for target in sorted(job.outputs)]
        ),
    )


def _iso(seen: _Seen) -> str:
    return seen.time.isoformat()


def _tag_entries(facet: Any) -> Iterator[Mapping[str, Any]]:
    entries = facet.get("tags") if isinstance(facet, Mapping) else None
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, Mapping) and "key" in entry and "value" in entry:
            yield entry


def _tags(facet: Any) -> dict[str, str]:
    """Tags that apply to the whole dataset or job (not to one field), later entries winning."""
    return flatten_labels([entry for entry in _tag_entries(facet) if not entry.get("field")])


def _column_tags(facets: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Tags per column: tags-facet entries with a `field`, and `tags` on (nested) schema fields."""
    columns: dict[str, dict[str, str]] = {}
    for entry in _tag_entries(facets.get("tags")):
        if entry.get("field"):
            columns.setdefault(str(entry["field"]), {}).update(flatten_labels([entry]))
    schema = facets.get("schema")
    for path, schema_field in _schema_fields(
        schema.get("fields") if isinstance(schema, Mapping) else None, ""
    ):
        tags = flatten_labels(list(_tag_entries(schema_field)))
        if tags:
            columns.setdefault(path, {}).update(tags)
    return {column: columns[column] for column in sorted(columns)}


def _schema_fields(fields: Any, prefix: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for schema_field in fields if isinstance(fields, list) else ():
        if isinstance(schema_field, Mapping) and "name" in schema_field:
            path = f"{prefix}{schema_field['name']}"
            yield path, schema_field
            yield from _schema_fields(schema_field.get("fields"), f"{path}.")


def _classification(labels: Mapping[str, Any]) -> str | None:
    return most_sensitive(str(labels[key]).strip().lower() for key in CLASSIFICATION_KEYS if key in labels)


def _ownership_class(facets: Mapping[str, Any]) -> str | None:
    ownership = facets.get("ownership")
    if not isinstance(ownership, Mapping):
        return None
    owners = [o for o in ownership.get("owners") or () if isinstance(o, Mapping)]
    return most_sensitive([_classification(ownership), *(_classification(o) for o in owners)])


def _owners(facet: Any) -> list[dict[str, Any]]:
    owners = facet.get("owners") if isinstance(facet, Mapping) else None
    return [
        {"name": owner.get("name"), "type": owner.get("type")}
        for owner in owners or ()
        if isinstance(owner, Mapping)
    ]


def _lifecycle(facet: Any) -> dict[str, Any] | None:
    if not isinstance(facet, Mapping):
        return None
    return {"state": facet.get("lifecycleStateChange"), "previous": facet.get("previousIdentifier")}


def _data_quality(places: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | None:
    """The latest assertions (dbt sends them as a dataset facet, the spec as an input facet)."""
    facet = places["inputFacets"].get("dataQualityAssertions") or places["facets"].get(
        "dataQualityAssertions"
    )
    if not isinstance(facet, Mapping):
        return None
    assertions = [a for a in facet.get("assertions") or () if isinstance(a, Mapping)]
    failed = [a for a in assertions if a.get("success") is False]
    return {"assertions": assertions, "failed": len(failed), "success": not failed}


def _parent(facet: Any) -> dict[str, Any] | None:
    if not isinstance(facet, Mapping):
        return None
    job, run = facet.get("job") or {}, facet.get("run") or {}
    return {
        "job": job_key(job.get("namespace", ""), job.get("name", "")) if job else None,
        "runId": run.get("runId"),
    }
