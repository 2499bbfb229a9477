"""What the cloud inventory adapters (AWS Config, Cloud Asset Inventory, Resource Graph) share.

Each reads one export file into resources when constructed (`CollectedResources`), and each
meets documents or entries it cannot use: those are reported as skipped, or stop the run under
`--strict`, always naming the file and the line of the document they came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.errors import InputError, SourceLocation
from .base import Skipped
from .sources import SourceText


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
