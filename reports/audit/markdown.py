"""The audit report as GitHub-flavoured Markdown, for wikis and pull requests; the HTML's sections, as text.

Charts become text, so they stay readable where no image renders: posture over time a one-line
sparkline (the table beside it holds the numbers), pass rate per requirement a table of ten-cell bars.
"""

from __future__ import annotations

import re

from ...engine.posture import AuditSummary
from .sections import Alert, Block, Chart, Paragraph, Preformatted, Section, sections, title

BAR_CELLS = 10
SPARKS = "▁▂▃▄▅▆▇█"
MARKS = {"ok": "", "warn": " ⚠", "bad": " ✖"}


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _anchor(heading: str) -> str:
    """The anchor GitHub and most wikis give a heading: lower case, punctuation dropped, spaces to dashes."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def _sparkline(points: tuple[tuple[str, float | None], ...]) -> str:
    """One character per bucket, taller for a higher pass rate; a space where nothing was checked."""
    return "".join(
        " " if v is None else SPARKS[min(len(SPARKS) - 1, int(v * len(SPARKS)))] for _, v in points
    )


def _bar(value: float | None) -> str:
    if value is None:
        return "n/a"
    filled = round(value * BAR_CELLS)
    return "█" * filled + "░" * (BAR_CELLS - filled) + f" {value * 100:.1f}%"


def _table(headers: tuple[str, ...], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(_escape(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(_escape(cell) for cell in row) + " |" for row in rows)
    return "\n".join(lines)


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Alert):
        sign = "✔" if block.tone == "ok" else "✖"
        return f"> **{sign} {block.text}**"
    if isinstance(block, Preformatted):
        return f"```\n{block.text.rstrip()}\n```"
    if isinstance(block, Chart):
        if block.kind == "line":
            return (
                f"{block.title}, {block.points[0][0]} to {block.points[-1][0]}: `{_sparkline(block.points)}`"
            )
        return f"**{block.title}**\n\n" + _table(
            ("Requirement", "Pass rate"), [[k, _bar(v)] for k, v in block.points]
        )
    return _table(block.headers, [[c.text + MARKS.get(c.tone, "") for c in row] for row in block.rows])


def _section(section: Section) -> str:
    return f"## {section.title}\n\n" + "\n\n".join(_block(block) for block in section.blocks)


class MarkdownAuditReport:
    name = "md"
    file_name = "audit-report.md"

    def render(self, summary: AuditSummary) -> bytes:
        parts = sections(summary)
        toc = "\n".join(f"- [{s.title}](#{_anchor(s.title)})" for s in parts)
        body = "\n\n".join(_section(s) for s in parts)
        return f"# {title(summary)}\n\n{toc}\n\n{body}\n".encode()
