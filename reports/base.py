"""The interface every output format implements, and the registry that finds them by name.

Formats are siblings: each turns the same `Decision` into bytes and knows nothing of the
others, of files or of terminals. The command line decides where the bytes go.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..engine.errors import UsageError
from ..engine.metadata import PolicyMetadata
from ..engine.models import Decision, EvidenceReceipt


@dataclass(frozen=True)
class ReportContext:
    """What a format needs besides the decision: tool identity, the policies run, the receipt."""

    tool_version: str
    policies: Sequence[PolicyMetadata] = ()
    evidence: EvidenceReceipt | None = None
    colour: bool = False


class ReportFormat(Protocol):
    """Renders a decision; `render` is pure and deterministic for the same inputs."""

    name: str

    def render(self, decision: Decision, context: ReportContext) -> bytes: ...


# name -> "module:ClassName", imported on first use so `gavel --help` stays fast.
FORMATS: dict[str, str] = {
    "text": "text:TextReport",
    "json": "json_report:JsonReport",
    "sarif": "sarif:SarifReport",
    "junit": "junit:JunitReport",
    "github": "github:GithubReport",
}


def get_format(name: str) -> ReportFormat:
    try:
        module_name, class_name = FORMATS[name].split(":")
    except KeyError:
        raise UsageError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}") from None
    module = importlib.import_module(f"{__package__}.{module_name}")
    report: ReportFormat = getattr(module, class_name)()
    return report
