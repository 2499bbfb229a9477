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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, final

from ..engine.collector import collector_paused
from ..engine.errors import InputError, SourceLocation
from ..engine.models import Resource
from .base import Skipped
from .collected import BuiltFromDocuments, FileReading, opener
from .openlineage_merge import ADAPTER_NAME, ArrivalFold, LocatedEvent
from .openlineage_schema import validation_error
from .sources import Document, SourceText, line_of

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


@final
@dataclass(frozen=True)
class OpenLineageEvents(BuiltFromDocuments):
    """The valid events of one file folded into resources, how many there were, and the rejected."""

    source: str
    resources: tuple[Resource, ...]
    accepted: int
    skipped: tuple[Skipped, ...] = ()
    name: str = ADAPTER_NAME

    @classmethod
    def read(cls, documents: Sequence[Document], reading: FileReading) -> OpenLineageEvents:
        """Under `strict` the first invalid event is raised once the whole file was read (`EventReader`)."""
        source = reading.source
        candidates = list(_candidates(source, documents))
        reader = EventReader(
            source.name, source.digest, lambda index: candidates[index][0], strict=reading.reject.strict
        )
        with collector_paused():
            for index, (value, line) in enumerate(candidates):
                reader.read(value, line, index)
            return reader.finish(reading.collected_at)

    @property
    def rejected(self) -> int:
        return len(self.skipped)

    def collect(self) -> Iterator[Resource]:
        yield from self.resources


class EventReader:
    """Validates the events of one source one at a time and folds the valid ones as they come.

    The file readers (`from_documents`, and `openlineage_stream` for files read as a stream)
    hand each candidate with its line and its position in the source, a number `value_at` turns
    back into the event should the fold need it again (`ArrivalFold`). An invalid event becomes
    a `Skipped` entry naming its line and schema path; under `strict` the first one is raised
    by `finish`, once the whole source was read, so a malformed document anywhere in the file is
    still reported first, as when the file is parsed whole before anything is validated.
    """

    def __init__(self, source: str, digest: str, value_at: Callable[[int], Any], *, strict: bool):
        self._source = source
        self._digest = digest
        self._value_at = value_at
        self._strict = strict
        self._fold: ArrivalFold[tuple[int, int | None]] = ArrivalFold(self._reread)
        self._skipped: list[Skipped] = []
        self._first_error: InputError | None = None

    def read(self, value: Any, line: int | None, position: int) -> None:
        """Validate and fold one candidate event found at `line`, `position`."""
        if self._first_error is not None:
            return  # the source fails; only its remaining documents' syntax still matters
        reason = validation_error(value)
        if reason is None:
            self._fold.add(LocatedEvent(value, self._source, self._digest, line), (position, line))
            return
        reason = f"invalid OpenLineage event: {reason}"
        if not self._strict:
            self._skipped.append(Skipped(source=self._source, reason=reason, line=line))
        elif self._first_error is None:
            self._first_error = InputError(reason, SourceLocation(self._source, line))

    def finish(self, collected_at: datetime) -> OpenLineageEvents:
        """The source's resources; raises the first invalid event under `strict`."""
        if self._first_error is not None:
            raise self._first_error
        return OpenLineageEvents(
            source=self._source,
            resources=self._fold.resources(collected_at),
            accepted=self._fold.count,
            skipped=tuple(self._skipped),
        )

    def _reread(self, handle: tuple[int, int | None]) -> LocatedEvent:
        position, line = handle
        return LocatedEvent(self._value_at(position), self._source, self._digest, line)


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


open_events = opener(OpenLineageEvents)
