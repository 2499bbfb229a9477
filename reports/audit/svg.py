"""A small SVG writer for the two charts an audit report draws: pass rate over time, and per requirement.

Inline SVG keeps the HTML report one self-contained file that renders without scripts or network
and prints sharply at any size. Values are pass rates in [0, 1]; None (nothing checked) leaves a
gap in a line and an empty, labelled bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

GOOD, FAIR, POOR, NONE = "#1b7f3b", "#b26a00", "#b00020", "#9e9e9e"
LINE = "#1f4e9a"
GRID = "#d0d0d0"
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def colour(value: float | None) -> str:
    if value is None:
        return NONE
    return GOOD if value >= 0.95 else FAIR if value >= 0.8 else POOR


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    label = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{label}"><title>{label}</title>' + "".join(body) + "</svg>"
    )


def line_chart(
    points: Sequence[tuple[str, float | None]], title: str, width: int = 640, height: int = 220
) -> str:
    """Pass rate (0-100 %) per time bucket; a gap where a bucket had no checks."""
    left, right, top, bottom = 44, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(points)

    def x_of(i: int) -> float:
        return left + (plot_w / 2 if count == 1 else plot_w * i / (count - 1))

    def y_of(value: float) -> float:
        return top + plot_h * (1 - value)

    grid = [
        f'<line x1="{left}" y1="{_number(y_of(p / 100))}" x2="{width - right}" y2="{_number(y_of(p / 100))}" '
        f'stroke="{GRID}"/><text x="{left - 6}" y="{_number(y_of(p / 100) + 4)}" text-anchor="end" '
        f"{FONT}>{p}%</text>"
        for p in (0, 25, 50, 75, 100)
    ]
    runs: list[list[str]] = [[]]
    dots = []
    for i, (label, value) in enumerate(points):
        if value is None:
            runs.append([])
            continue
        x, y = _number(x_of(i)), _number(y_of(value))
        runs[-1].append(f"{x},{y}")
        dots.append(
            f'<circle cx="{x}" cy="{y}" r="3" fill="{colour(value)}">'
            f"<title>{escape(label)}: {_number(value * 100)}%</title></circle>"
        )
    lines = [
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{LINE}" stroke-width="2"/>'
        for run in runs
        if len(run) > 1
    ]
    labels = []
    for i in sorted({0, count // 2, count - 1}) if count else ():
        anchor = "middle" if count == 1 else "start" if i == 0 else "end" if i == count - 1 else "middle"
        labels.append(
            f'<text x="{_number(x_of(i))}" y="{height - 8}" text-anchor="{anchor}" {FONT}>'
            f"{escape(points[i][0])}</text>"
        )
    return _svg(width, height, title, grid + lines + dots + labels)


def bar_chart(rows: Sequence[tuple[str, float | None]], title: str, width: int = 640) -> str:
    """One horizontal bar per labelled item, its pass rate written beside it."""
    label_w, value_w, bar_h, gap = 150, 56, 16, 6
    height = max(1, len(rows)) * (bar_h + gap) + gap
    track = width - label_w - value_w
    body = []
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        text = "n/a" if value is None else f"{_number(value * 100)}%"
        body.append(
            f'<text x="{label_w - 8}" y="{y + 12}" text-anchor="end" {FONT}>{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{track}" height="{bar_h}" fill="#f0f0f0"/>'
            f'<rect x="{label_w}" y="{y}" width="{_number(track * (value or 0))}" height="{bar_h}" '
            f'fill="{colour(value)}"/>'
            f'<text x="{width - value_w + 6}" y="{y + 12}" {FONT}>{text}</text>'
        )
    return _svg(width, height, title, body)
