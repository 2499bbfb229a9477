"""The interface every audit report format implements, and the registry that finds them by name.

Formats are siblings, like the check formats in `reports/base.py`: each turns the same
`AuditSummary` into bytes, deterministically, and knows nothing of files or the store. HTML and
Markdown lay out the same sections (`sections.py`); OSCAL, PolicyReport and JSON map the summary
onto their own schemas.
"""

from __future__ import annotations

import importlib
from typing import Protocol

from ...engine.errors import UsageError
from ...engine.posture import AuditSummary


class AuditFormat(Protocol):
    """Renders an audit summary; `file_name` is what `gavel report --out DIR` writes it as."""

    name: str
    file_name: str

    def render(self, summary: AuditSummary) -> bytes: ...


# name -> "module:ClassName", imported on first use.
AUDIT_FORMATS: dict[str, str] = {
    "html": "html:HtmlAuditReport",
    "md": "markdown:MarkdownAuditReport",
    "oscal": "oscal:OscalAuditReport",
    "policyreport": "policyreport:PolicyReportAudit",
    "json": "json_document:JsonAuditReport",
}


def get_audit_format(name: str) -> AuditFormat:
    try:
        module_name, class_name = AUDIT_FORMATS[name].split(":")
    except KeyError:
        raise UsageError(
            f"unknown report format {name!r}; choose one of {', '.join(AUDIT_FORMATS)}"
        ) from None
    module = importlib.import_module(f"{__package__}.{module_name}")
    report: AuditFormat = getattr(module, class_name)()
    return report
