"""Writing a decision out: the chosen format to stdout or a file, and the lines around it.

Shared by every command that ends in a decision (`check`, `audit`), so they report alike.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from .. import __version__
from ..engine.loader import PolicySet
from ..engine.models import Decision, EvidenceReceipt
from ..reports.base import ReportContext, get_format


def write_atomically(path: Path, content: bytes) -> None:
    """Write through a temporary file and rename, so a failure never leaves half a report.

    A target that exists and is not a regular file (`/dev/stdout`, `/dev/null`, a named pipe)
    is written in place: renaming over it would replace the device or pipe with a file.
    """
    if path.exists() and not path.is_file():
        with path.open("wb") as stream:
            stream.write(content)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def summary_line(decision: Decision) -> str:
    blocking = [f for f in decision.findings if f.blocking]
    verdict = "PASSED" if decision.passed else "FAILED: " + "; ".join(decision.reasons)
    return (
        f"{len(decision.resources)} resources, {len(blocking)} blocking findings, "
        f"risk {decision.risk:g}: {verdict}"
    )


def emit_report(
    decision: Decision,
    policy_set: PolicySet,
    receipt: EvidenceReceipt | None,
    output_format: str,
    output: Path | None,
) -> None:
    """Render the decision; a file gets the report and stderr a summary line (for CI logs)."""
    colour = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    context = ReportContext(
        tool_version=__version__,
        policies=[p.metadata for p in policy_set.policies],
        evidence=receipt,
        colour=colour,
    )
    rendered = get_format(output_format).render(decision, context)
    if output is None:
        click.echo(rendered.decode(), nl=False)
    else:
        write_atomically(output, rendered)
        click.echo(summary_line(decision), err=True)
    if receipt is not None and output_format != "text":
        click.echo(f"gavel: recorded as evidence #{receipt.log_index} ({receipt.record_digest})", err=True)
