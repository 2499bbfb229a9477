"""What an adapter that parses everything up front hands out, and the export documents some read.

Most adapters normalise their whole source when constructed and then only hand out the result,
so they share one frozen shape (`CollectedResources`). Sources read live over an API (Airflow,
MLflow) are first written into one JSON export document, so a saved export is judged exactly like
a live read; `sole_export` and `export_digest` are the two facts every such export needs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.errors import InputError, SourceLocation
from ..engine.models import Resource
from .base import Skipped
from .sources import Document, SourceText


@dataclass(frozen=True)
class CollectedResources:
    """Resources normalised when the adapter was constructed; subclasses set `name`."""

    source: str
    resources: tuple[Resource, ...]
    skipped: tuple[Skipped, ...] = ()
    name: str = "collected"

    def collect(self) -> Iterator[Resource]:
        yield from self.resources


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
