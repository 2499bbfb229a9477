"""What a long audit shows on a terminal: a bar over the units it reads, then the evaluation.

Only when stderr is a terminal: in CI logs and under a CronJob the bar would be noise (every
redraw a line), so there the audit prints nothing but the lines it always printed. The adapters'
own one-line messages ("Deployment (apps/v1): 8 objects") still appear, above the bar.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

_CLEAR = "\r\x1b[K"


class AuditProgress:
    """A one-line bar on stderr, redrawn in place; `enabled` is False when stderr is not a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.total = 0
        self.done = 0
        self.current = ""
        self.started = time.monotonic()

    def start(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()

    def unit(self, label: str) -> None:
        """The bar names the unit being read now."""
        self.current = label
        self._draw()

    def advance(self) -> None:
        self.done += 1
        self._draw()

    def message(self, text: str) -> None:
        """An adapter's message, printed above the bar."""
        if self.enabled:
            self.stream.write(f"{_CLEAR}gavel: {text}\n")
            self._draw()

    def phase(self, text: str) -> None:
        """A step without units (evaluating), shown in place of the bar."""
        if self.enabled:
            self.stream.write(f"{_CLEAR}gavel: {text}")
            self.stream.flush()

    def clear(self) -> None:
        """Take the bar off the line, so that what is printed next starts clean."""
        if self.enabled:
            self.stream.write(_CLEAR)
            self.stream.flush()

    def finish(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"{_CLEAR}gavel: {text} ({time.monotonic() - self.started:.1f} s)\n")
            self.stream.flush()

    def _draw(self) -> None:
        if not self.enabled or not self.total:
            return
        width = shutil.get_terminal_size((80, 24)).columns
        cells = 24
        filled = cells * self.done // self.total
        bar = "#" * filled + "-" * (cells - filled)
        line = f"gavel: collecting [{bar}] {self.done}/{self.total} {self.current}"
        self.stream.write(_CLEAR + line[: max(width - 1, 20)])
        self.stream.flush()
