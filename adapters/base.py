"""The one small interface every adapter implements, and the record of what an adapter passed over.

An adapter is built by a named constructor that parses its source at the boundary
(`TerraformPlan.from_json`, `KubernetesManifests.from_bytes`) and then only hands out frozen,
normalised `Resource`s. Documents it does not understand are not dropped silently: each becomes a
`Skipped` entry the command line can report.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..engine.models import Resource


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
