"""The one small interface every adapter implements, and the record of what an adapter passed over.

An adapter is built by a named constructor that parses its source at the boundary
(`TerraformPlan.from_json`, `KubernetesManifests.from_bytes`) and then only hands out frozen,
normalised `Resource`s. Documents it does not understand are not dropped silently: each becomes a
`Skipped` entry the command line can report, or stops the run under `--strict`, always naming the
file and the line of the document it came from (`Rejections`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ..engine.errors import InputError, SourceLocation
from ..engine.models import Resource
from .sources import Document, SourceText


@dataclass(frozen=True)
class Skipped:
    """A file or document gavel read but did not evaluate, and why."""

    source: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: skipped: {self.reason}"


class Adapter(Protocol):
    """A source of resources; `skipped` is complete once `collect()` has been exhausted."""

    @property
    def name(self) -> str: ...

    @property
    def skipped(self) -> Sequence[Skipped]: ...

    def collect(self) -> Iterator[Resource]: ...


class AdapterFactory(Protocol):
    """How the registry opens a file it has parsed into documents."""

    def __call__(
        self, source: SourceText, documents: Sequence[Document], *, collected_at: datetime, strict: bool
    ) -> Adapter: ...


@dataclass
class Rejections:
    """Collects why parts of one file were not used; raises on the first one under `strict`."""

    source: SourceText
    strict: bool
    skipped: list[Skipped] = field(default_factory=list)

    def __call__(self, reason: str, line: int) -> None:
        if self.strict:
            raise InputError(reason, SourceLocation(self.source.name, line))
        self.skipped.append(Skipped(source=self.source.name, reason=reason, line=line))
