"""Options the framework-aware commands share (`policy list|coverage`, `attest`), declared once.

Kept apart from `attest.py` so `gavel policy list` does not import the evidence store.
"""

from __future__ import annotations

from pathlib import Path

import click

EVIDENCE_OPTION = click.option(
    "--evidence", "evidence_url", help="Evidence store URL (default: $GAVEL_EVIDENCE or the local store)."
)
FRAMEWORKS_OPTION = click.option(
    "--frameworks",
    "frameworks_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of framework mapping files and controls.yaml (default: the built-in policies/frameworks).",
)
