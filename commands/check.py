"""`gavel check`: the CI gate. Collect, evaluate, report, record; exit 0 when compliant, 1 when not.

This module wires the parts together and holds no policy logic: adapters collect resources,
the engine judges them, a report format renders the decision and the evidence store signs it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..engine.errors import UsageError
from ..engine.models import Decision, GatePolicy, Severity
from ..reports.base import FORMATS, ReportContext, get_format
from .options import evidence_options, policy_options, runtime_options
from .pipeline import build_runtime, load_policies, load_waivers
from .recording import record_check


def write_atomically(path: Path, content: bytes) -> None:
    """Write through a temporary file and rename, so a failure never leaves half a report."""
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


def _max_risk(max_risk: float | None, environment: str | None, data: dict[str, Any]) -> float | None:
    if max_risk is not None or environment is None:
        return max_risk
    thresholds = data.get("risk", {}).get("thresholds", {})
    if environment not in thresholds:
        known = ", ".join(sorted(thresholds)) or "none defined"
        raise UsageError(f"no risk threshold for environment {environment!r} (known: {known})")
    return float(thresholds[environment])


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--input-kind",
    metavar="KIND",
    help="Read every path as this kind instead of detecting it (terraform-plan, kubernetes).",
)
@policy_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    help="Output format: a table for people, json, SARIF for code scanning, JUnit, GitHub annotations.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report here instead of stdout.",
)
@click.option(
    "--fail-on",
    type=click.Choice([s.value for s in Severity]),
    default=Severity.HIGH.value,
    show_default=True,
    help="Fail when an unwaived violation is at or above this severity.",
)
@click.option(
    "--max-risk", type=float, help="Fail when the risk score (sum of severity weights) exceeds this."
)
@click.option(
    "--environment", help="Take --max-risk from the risk thresholds of this environment (data risk.yaml)."
)
@click.option(
    "--waivers", type=click.Path(path_type=Path, dir_okay=False), help="YAML file of expiring waivers."
)
@evidence_options
@click.option(
    "--strict", is_flag=True, help="Treat documents of unknown kind as errors instead of skipping them."
)
@runtime_options
def command(
    paths: tuple[Path, ...],
    input_kind: str | None,
    policies: tuple[str, ...],
    data: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    fail_on: str,
    max_risk: float | None,
    environment: str | None,
    waivers: Path | None,
    evidence_url: str | None,
    no_evidence: bool,
    strict: bool,
    runtime: str,
    opa_url: str | None,
) -> None:
    """Gate Terraform plans, Kubernetes manifests and other state in CI.

    PATHS are files or folders (searched recursively for .json, .yaml and .yml); the kind of
    each document is detected. Exits 0 when compliant and 1 when a violation reaches
    --fail-on, an evaluation fails, or the risk exceeds --max-risk.

    \b
    Examples:
      gavel check plan.json
      gavel check k8s/ --format sarif --output gavel.sarif
      gavel check plan.json --fail-on medium --waivers waivers.yaml
    """
    from ..adapters.detect import collect_paths
    from ..engine.estate import build_estate
    from ..engine.evaluate import evaluate

    now = datetime.now(UTC)
    policy_set = load_policies(policies, data)
    waiver_list = load_waivers(waivers)
    gate = GatePolicy(
        fail_on=Severity(fail_on), max_risk=_max_risk(max_risk, environment, dict(policy_set.data))
    )
    collection = collect_paths(list(paths), input_kind=input_kind, strict=strict, collected_at=now)
    for skipped in collection.skipped:
        click.echo(f"gavel: skipped {skipped.source}: {skipped.reason}", err=True)
    decision = evaluate(
        policy_set,
        build_estate(collection.resources),
        build_runtime(runtime, opa_url),
        waivers=waiver_list,
        gate=gate,
        now=now,
    )
    receipt = (
        None if no_evidence else record_check(decision, collection, evidence_url, [str(p) for p in paths])
    )

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
    click.get_current_context().exit(0 if decision.passed else 1)
