"""What an adapter that parses everything up front hands out, how it is built, and export documents.

Most adapters normalise their whole source when constructed and then only hand out the result,
so they share one frozen shape (`CollectedResources`). Every adapter built from a file's parsed
documents declares its constructors once (`BuiltFromDocuments`), skips or raises what it cannot
use the same way (`Rejections`), and is opened by the registry through one factory (`opener`);
those that yield resources document by document say only how a file's documents become resources
(`DocumentResources.normalise_documents`). Sources read live over an API (Airflow, MLflow) are first
written into one JSON export document, so a saved export is judged exactly like a live read;
`sole_export` and `export_digest` are the two facts every such export needs.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, Self

from ..engine.errors import InputError, SourceLocation
from ..engine.models import Provenance, Resource
from .base import Adapter, AdapterFactory, Rejections, Skipped
from .sources import Document, SourceText, parse_documents


@dataclass(frozen=True)
class CollectedResources:
    """Resources normalised when the adapter was constructed; subclasses set `name`."""

    source: str
    resources: tuple[Resource, ...]
    skipped: tuple[Skipped, ...] = ()
    name: str = "collected"

    def collect(self) -> Iterator[Resource]:
        yield from self.resources


@dataclass(frozen=True)
class FileReading:
    """One file being normalised: the provenance of what it yields, and where its rejects go."""

    source: SourceText
    collected_at: datetime
    reject: Rejections

    def provenance(self, adapter: str, line: int) -> Provenance:
        return Provenance(adapter, self.source.name, self.source.digest, self.collected_at, line)


class BuiltFromDocuments(ABC):
    """An adapter built from one file's parsed documents; each kind says how in `read`."""

    @classmethod
    def from_bytes(cls, data: bytes, source: str, collected_at: datetime, *, strict: bool = False) -> Self:
        """Parse a file as its name says (`parse_documents`), then build the adapter from it."""
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
    ) -> Self:
        """What the documents hold that this adapter cannot use is skipped, or raised under `strict`."""
        return cls.read(documents, FileReading(source, collected_at, Rejections(source, strict)))

    @classmethod
    @abstractmethod
    def read(cls, documents: Sequence[Document], reading: FileReading) -> Self:
        """The adapter for `documents`; each part passed over goes to `reading.reject`."""


@dataclass(frozen=True)
class DocumentResources(CollectedResources, BuiltFromDocuments):
    """Resources normalised from one file's parsed documents; subclasses say how (`normalise_documents`)."""

    @classmethod
    def read(cls, documents: Sequence[Document], reading: FileReading) -> Self:
        resources = tuple(cls.normalise_documents(documents, reading))
        return cls(source=reading.source.name, resources=resources, skipped=tuple(reading.reject.skipped))

    @classmethod
    @abstractmethod
    def normalise_documents(cls, documents: Sequence[Document], reading: FileReading) -> Iterable[Resource]:
        """The resources of `documents`, in order; each part passed over goes to `reading.reject`."""


class FromDocuments(Protocol):
    """What `opener` needs: a class whose `from_documents` makes an adapter (any `BuiltFromDocuments`)."""

    def from_documents(
        self, source: SourceText, documents: Sequence[Document], collected_at: datetime, *, strict: bool
    ) -> Adapter: ...


def opener(adapter: FromDocuments) -> AdapterFactory:
    """The registry's factory for an adapter class built by `from_documents`."""

    def open_documents(
        source: SourceText, documents: Sequence[Document], *, collected_at: datetime, strict: bool
    ) -> Adapter:
        return adapter.from_documents(source, documents, collected_at, strict=strict)

    return open_documents


def is_export(documents: Sequence[Document], export_format: str) -> bool:
    """A file holding one export document of the given `format`."""
    if len(documents) != 1:
        return False
    value = documents[0].value
    return isinstance(value, Mapping) and value.get("format") == export_format


def sole_export(source: SourceText, documents: Sequence[Document], title: str) -> Mapping[str, Any]:
    """The one JSON object of an export file; `title` names the export in the error."""
    value = documents[0].value if len(documents) == 1 else None
    if not isinstance(value, Mapping):
        raise InputError(
            f"{title} is one JSON object, found {len(documents)} documents", SourceLocation(source.name)
        )
    return value


def export_digest(export: Mapping[str, Any]) -> str:
    """The provenance digest of an export read live: sha256 of its canonical JSON."""
    canonical = json.dumps(export, sort_keys=True, separators=(",", ":")).encode()
    return f"sha256:{hashlib.sha256(canonical).hexdigest()}"
