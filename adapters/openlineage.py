"""OpenLineage run, job and dataset events from files, as dataset and job resources.

A file holds one event (JSON), a JSON array of events (as the dbt and Airflow integrations'
test suites and `--events-file` exports write them), or one event per line (`*.jsonl` /
`*.ndjson`, OpenLineage's file transport). Every event is validated against the OpenLineage
spec (`openlineage_schema`); an invalid one is not evaluated but reported as a `Skipped` entry
naming its line and the schema path at fault (`events.jsonl:17: ... run.runId: 'x' is not a
'uuid'`), or is an error under `strict`. Valid events are folded into one resource per dataset
and per job (`openlineage_merge`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..engine.errors import InputError, SourceLocation
from ..engine.models import Resource
from .base import Skipped
from .openlineage_merge import ADAPTER_NAME, LocatedEvent, collector_paused, merge_events
from .openlineage_schema import validation_error
from .sources import Document, SourceText, line_of, parse_documents

_EVENT_PARTS = ("run", "job", "dataset")


def is_openlineage_event(value: Any) -> bool:
    """Looks like an event (valid or not): an object with an eventTime and a run, job or dataset."""
    return (
        isinstance(value, Mapping)
        and "eventTime" in value
        and any(isinstance(value.get(part), Mapping) for part in _EVENT_PARTS)
    )


def recognises_events(documents: Sequence[Document]) -> bool:
    """A file of events: some document is an event, or an array whose first item is one."""
    for document in documents:
        value = document.value
        if is_openlineage_event(value) or (
            isinstance(value, list) and value and is_openlineage_event(value[0])
        ):
            return True
    return False


@dataclass(frozen=True)
class OpenLineageEvents:
    """The valid events of one file folded into resources, and the events it rejected."""

    source: str
    resources: tuple[Resource, ...]
    events: tuple[LocatedEvent, ...]
    skipped: tuple[Skipped, ...] = ()
    name: str = ADAPTER_NAME

    @classmethod
    def from_bytes(
        cls, data: bytes, source: str, collected_at: datetime, *, strict: bool = False
    ) -> OpenLineageEvents:
        text = SourceText.from_bytes(data, source)
        return cls.from_documents(text, parse_documents(text), collected_at, strict=strict)

    @classmethod
    def from_documents(
        cls,
        source: SourceText,
        documents: Sequence[Document],
        collected_at: datetime,
        *,
        strict: bool = False,
    ) -> OpenLineageEvents:
        events: list[LocatedEvent] = []
        skipped: list[Skipped] = []
        with collector_paused():
            for value, line in _candidates(source, documents):
                reason = validation_error(value)
                if reason is None:
                    events.append(LocatedEvent(value, source.name, source.digest, line))
                    continue
                reason = f"invalid OpenLineage event: {reason}"
                if strict:
                    raise InputError(reason, SourceLocation(source.name, line))
                skipped.append(Skipped(source=source.name, reason=reason, line=line))
            resources = merge_events(events, collected_at)
        return cls(source=source.name, resources=resources, events=tuple(events), skipped=tuple(skipped))

    @property
    def rejected(self) -> int:
        return len(self.skipped)

    def collect(self) -> Iterator[Resource]:
        yield from self.resources


def _candidates(source: SourceText, documents: Sequence[Document]) -> Iterator[tuple[Any, int]]:
    """Each event-to-be with its line; the items of a JSON array get their own lines."""
    for document in documents:
        if isinstance(document.value, list):
            lines = _array_item_lines(source.text, document)
            for index, item in enumerate(document.value):
                yield item, lines[index] if index < len(lines) else document.line
        else:
            yield document.value, document.line


def _array_item_lines(text: str, document: Document) -> list[int]:
    """The line each item of a top-level JSON array starts on (empty for YAML sequences)."""
    start = text.find("[", _offset_of_line(text, document.line))
    if start < 0:
        return []
    decoder = json.JSONDecoder()
    lines: list[int] = []
    position = start + 1
    try:
        for _ in document.value:
            position = _skip(text, position, " \t\r\n,")
            lines.append(line_of(text, position))
            _, position = decoder.raw_decode(text, position)
    except json.JSONDecodeError:
        return []
    return lines


def _offset_of_line(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset


def _skip(text: str, position: int, characters: str) -> int:
    while position < len(text) and text[position] in characters:
        position += 1
    return position


def open_events(
    source: SourceText, documents: Sequence[Document], *, collected_at: datetime, strict: bool
) -> OpenLineageEvents:
    """The registry's factory for `--input-kind openlineage`."""
    return OpenLineageEvents.from_documents(source, documents, collected_at, strict=strict)
