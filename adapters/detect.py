"""From the paths a user names to resources: walking folders, recognising each file, opening adapters.

This is the one entry point the command line calls. Files are visited in a sorted, repeatable
order; what is recognised goes to its adapter (see `registry`), what is not is reported as
skipped, or is an error under `strict`. Malformed or unreadable files are always errors.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..engine.collector import collector_paused
from ..engine.errors import GavelError, InputError, SourceLocation
from ..engine.forked import run_parts
from ..engine.models import Resource
from .base import Adapter, Skipped
from .openlineage_stream import is_json_lines, read_json_array, read_json_lines
from .registry import INPUT_KINDS, InputKind, find_input_kind
from .sources import Document, SourceText, parse_documents, read_source

INPUT_SUFFIXES = (".json", ".yaml", ".yml", ".jsonl", ".ndjson")


@dataclass(frozen=True)
class Collection:
    """Everything collected from a set of paths, and what was passed over."""

    resources: tuple[Resource, ...]
    skipped: tuple[Skipped, ...]


_Read = Collection | GavelError
"""What reading one file gave: its resources and what it passed over, or why it could not be read."""


def detect_kind(path: Path, content: str | Sequence[Document]) -> str | None:
    """The name of the input kind `content` (text, or documents already parsed) is, if any."""
    if isinstance(content, str):
        content = parse_documents(SourceText.from_bytes(content.encode("utf-8"), str(path)))
    for kind in INPUT_KINDS:
        if kind.recognises(content):
            return kind.name
    return None


def collect_paths(
    paths: Sequence[Path],
    *,
    input_kind: str | None = None,
    strict: bool = False,
    collected_at: datetime,
    jobs: int = 1,
) -> Collection:
    """Collect resources from files and folders (walked recursively for `INPUT_SUFFIXES`).

    `input_kind` forces one kind for every file instead of detecting it. With `jobs` above one
    and at least `SPLIT_AT` of input in several files, the files are shared out between that
    many processes (`engine/forked.py`); the collection, and the first error in file order, are
    the same either way. What is read here lives to the end of the command, so it is moved out
    of the cyclic collector's sight once read (`collector_paused`).
    """
    forced = find_input_kind(input_kind) if input_kind else None
    files = list(input_files(paths))
    costs = [_reading_cost(file) for file in files]
    parts = jobs if len(files) > 1 and sum(costs) >= SPLIT_AT else 1

    def read_share(part: int, parts: int) -> list[tuple[int, _Read]]:
        """What each file of this part's share gave, in file order, up to the first that fails."""
        read: list[tuple[int, _Read]] = []
        for index in _share(costs, part, parts):
            try:
                read.append((index, _read(files[index], forced, strict=strict, collected_at=collected_at)))
            except GavelError as error:
                read.append((index, error))
                break
        return read

    with collector_paused(freeze=True):
        outcomes = dict(pair for share in run_parts(read_share, parts) for pair in share)
    resources: list[Resource] = []
    skipped: list[Skipped] = []
    for index in sorted(outcomes):
        outcome = outcomes[index]
        if isinstance(outcome, GavelError):
            raise outcome
        resources.extend(outcome.resources)
        skipped.extend(outcome.skipped)
    return Collection(resources=tuple(resources), skipped=tuple(skipped))


def _read(file: Path, forced: InputKind | None, *, strict: bool, collected_at: datetime) -> Collection:
    opened = _open(file, forced, strict=strict, collected_at=collected_at)
    if isinstance(opened, Skipped):
        return Collection(resources=(), skipped=(opened,))
    return Collection(resources=tuple(opened.collect()), skipped=tuple(opened.skipped))


SPLIT_AT = 32 * 2**20
"""Reading cost (`_reading_cost`) a set of files needs before it is shared between processes:
below it, forking and sending the resources back costs more than it saves."""


def _reading_cost(file: Path) -> int:
    """Bytes, weighted by how slowly their format parses: YAML about eight times JSON's cost."""
    size = file.stat().st_size
    return size * 8 if file.suffix.lower() in (".yaml", ".yml") else size


def _share(costs: Sequence[int], part: int, parts: int) -> list[int]:
    """The indexes of the files `part` reads: costliest first, each to the part with least so far
    (part 0, read in this process, takes the first), returned in file order."""
    loads = [0] * parts
    mine = []
    for index in sorted(range(len(costs)), key=lambda i: (-costs[i], i)):
        lightest = loads.index(min(loads))
        loads[lightest] += costs[index]
        if lightest == part:
            mine.append(index)
    return sorted(mine)


def _open(file: Path, forced: InputKind | None, *, strict: bool, collected_at: datetime) -> Adapter | Skipped:
    """The adapter for one file, or why it is skipped.

    OpenLineage event files (JSON lines, JSON arrays) are read as a stream, event by event, when
    nothing else is forced: they run to hundreds of thousands of events (`openlineage_stream`).
    """
    stream = forced is None or forced.name == "openlineage"
    if stream and is_json_lines(file):
        events = read_json_lines(file, forced=forced is not None, collected_at=collected_at, strict=strict)
        if events is not None:
            return events
    source = read_source(file)
    if stream and source.name.lower().endswith(".json"):
        events = read_json_array(source, forced=forced is not None, collected_at=collected_at, strict=strict)
        if events is not None:
            return events
    documents = () if source.is_blank else parse_documents(source)
    kind = forced or _detected(documents)
    if kind is None:
        reason = _unrecognised_reason(source, documents)
        if strict:
            raise InputError(reason, SourceLocation(source.name))
        return Skipped(source=source.name, reason=reason)
    return kind.open(source, documents, collected_at=collected_at, strict=strict)


def input_files(paths: Sequence[Path]) -> Iterator[Path]:
    """Named files as given; folders walked in sorted order, hidden folders and files left out."""
    for path in paths:
        if path.is_dir():
            yield from _walk(path)
        elif path.exists():
            yield path
        else:
            raise InputError("no such file or folder", SourceLocation(str(path)))


def _walk(folder: Path) -> Iterator[Path]:
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(INPUT_SUFFIXES):
                yield Path(root) / name


def _detected(documents: Sequence[Document]) -> InputKind | None:
    for kind in INPUT_KINDS:
        if documents and kind.recognises(documents):
            return kind
    return None


def _unrecognised_reason(source: SourceText, documents: Sequence[Document]) -> str:
    if source.is_blank:
        return "empty file"
    if not documents:
        return "no documents (only comments or empty documents)"
    return "not a " + " or ".join(kind.title for kind in INPUT_KINDS)
