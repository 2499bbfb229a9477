"""The audit report as one self-contained HTML file: inline CSS and SVG, no script, no network.

It opens from a USB stick or an e-mail attachment exactly as it was recorded, and prints: the
print stylesheet drops the table of contents, keeps table rows and charts whole across pages and
prints the colours that carry meaning (a store that failed verification is red on paper too).
"""

from __future__ import annotations

from html import escape

from ...engine.posture import AuditSummary
from .sections import Alert, Block, Chart, Paragraph, Preformatted, Section, Table, sections, title
from .svg import bar_chart, line_chart

STYLE = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; margin: 0;
  background: #fff; }
header, main, nav { max-width: 1080px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; border-bottom: 3px solid #1f4e9a; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 28px 0 8px; color: #1f4e9a; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
nav a { color: #1f4e9a; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #d0d0d0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f8; }
td { overflow-wrap: anywhere; }
td.ok, td.warn, td.bad { white-space: nowrap; }
.ok { color: #1b7f3b; font-weight: 600; } .warn { color: #b26a00; font-weight: 600; }
.bad { color: #b00020; font-weight: 700; }
.alert { padding: 10px 14px; border-radius: 4px; margin: 12px 0; font-weight: 600; }
.alert.ok { background: #e7f4ea; border: 2px solid #1b7f3b; }
.alert.bad { background: #b00020; border: 2px solid #7a0016; color: #fff; }
figure { margin: 8px 0 16px; } figcaption { font-size: 12px; color: #555; }
svg { max-width: 100%; height: auto; }
pre { background: #f6f6f6; padding: 10px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; }
footer { max-width: 1080px; margin: 32px auto; padding: 0 24px; color: #666; font-size: 12px; }
@page { size: A4; margin: 14mm; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 11px; } nav { display: none; }
  header, main, footer { max-width: none; padding: 0; }
  tr, figure, .alert, pre { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"""


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Alert):
        return f'<p class="alert {block.tone}" role="status">{escape(block.text)}</p>'
    if isinstance(block, Preformatted):
        return f"<pre>{escape(block.text)}</pre>"
    if isinstance(block, Chart):
        drawing = (
            line_chart(block.points, block.title)
            if block.kind == "line"
            else bar_chart(block.points, block.title)
        )
        return f"<figure>{drawing}<figcaption>{escape(block.title)}</figcaption></figure>"
    return _table(block)


def _table(table: Table) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in table.headers)
    rows = "".join(
        "<tr>"
        + "".join(
            f'<td class="{cell.tone}">{escape(cell.text)}</td>'
            if cell.tone
            else f"<td>{escape(cell.text)}</td>"
            for cell in row
        )
        + "</tr>"
        for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _section(section: Section) -> str:
    body = "".join(_block(block) for block in section.blocks)
    return f'<section id="{escape(section.id)}"><h2>{escape(section.title)}</h2>{body}</section>'


class HtmlAuditReport:
    name = "html"
    file_name = "audit-report.html"

    def render(self, summary: AuditSummary) -> bytes:
        parts = sections(summary)
        heading = title(summary)
        toc = "".join(f'<li><a href="#{escape(s.id)}">{escape(s.title)}</a></li>' for s in parts)
        document = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(heading)}</title><style>{STYLE}</style></head><body>"
            f"<header><h1>{escape(heading)}</h1></header>"
            f'<nav aria-label="Contents"><ul>{toc}</ul></nav>'
            f"<main>{''.join(_section(s) for s in parts)}</main>"
            f"<footer>gavel {escape(summary.tool_version)} · evidence log "
            f"{escape(summary.integrity.origin)}</footer>"
            "</body></html>\n"
        )
        return document.encode("utf-8")
