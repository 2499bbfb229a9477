"""The HTML audit report opened in headless Chromium: it renders (not blank) and failure shows red.

Chromium runs with networking features off and a throwaway profile; the report needs nothing
from outside the file. The screenshot PNG is decoded with zlib (no imaging library needed).
Without Chromium the test fails in CI (where `.ci/run` installs it) and skips locally.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from audit_evidence import fill_store, summary_of

from gavel.reports.audit.html import HtmlAuditReport

CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 1200, 900


def chromium() -> str:
    found = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")
    return found


def screenshot(html: Path, out: Path) -> Path:
    picture = out / f"{html.stem}.png"
    subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={out / 'profile'}",
            f"--screenshot={picture}",
            f"--window-size={WIDTH},{HEIGHT}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return picture


def pixels(png: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) bytes of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind, body = data[position + 4 : position + 8], data[position + 8 : position + 8 + length]
        header = body if kind == b"IHDR" else header
        if kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    step = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    rows: list[bytes] = []
    previous = bytearray(width * step)
    stride = width * step + 1
    for y in range(height):
        kind, line = raw[y * stride], bytearray(raw[y * stride + 1 : (y + 1) * stride])
        for x in range(len(line)):
            left = line[x - step] if x >= step else 0
            up, corner = previous[x], previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                nearest = min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - corner), 2, corner))[2]
                line[x] = (line[x] + nearest) & 0xFF
        rows.append(bytes(line if step == 3 else bytes(v for i, v in enumerate(line) if i % 4 != 3)))
        previous = line
    return width, height, rows


def colours(rows: list[bytes]) -> list[tuple[int, int, int]]:
    return [(row[i], row[i + 1], row[i + 2]) for row in rows[::4] for i in range(0, len(row), 12)]


def render(tmp_path: Path, name: str, tamper: bool) -> list[tuple[int, int, int]]:
    evidence = fill_store(f"sqlite:///{tmp_path / name / 'evidence.db'}", tmp_path / name / "keys")
    if tamper:
        with sqlite3.connect(tmp_path / name / "evidence.db") as connection:
            connection.execute("DROP TRIGGER evidence_entry_no_update")
            connection.execute("UPDATE evidence_entry SET decision = 'allow' WHERE idx = 4")
    html = tmp_path / f"{name}.html"
    html.write_bytes(HtmlAuditReport().render(summary_of(evidence)))
    width, height, rows = pixels(screenshot(html, tmp_path))
    assert (width, height) == (WIDTH, HEIGHT)
    return colours(rows)


def is_red(rgb: tuple[int, int, int]) -> bool:
    r, g, b = rgb
    return r > 150 and g < 90 and b < 90


def test_the_report_renders_in_chromium_and_a_failed_store_is_red(tmp_path: Path) -> None:
    verified = render(tmp_path, "verified", tamper=False)
    mean = sum(sum(p) for p in verified) / (3 * len(verified))
    variance = sum((sum(p) / 3 - mean) ** 2 for p in verified) / len(verified)
    assert len(set(verified)) > 20 and variance > 100, "the screenshot is blank"
    assert sum(g > 100 and r < 80 and b < 100 for r, g, b in verified) > 50, (
        "no green: banner or bars missing"
    )
    tampered = render(tmp_path, "tampered", tamper=True)
    red_verified = sum(is_red(p) for p in verified[: len(verified) // 3])
    red_tampered = sum(is_red(p) for p in tampered[: len(tampered) // 3])
    assert red_tampered > max(300, 5 * red_verified), "the failed-verification banner is not red"
