"""`gavel check`: the CI gate. Collect, evaluate, report, record; exit 0 when compliant, 1 when not.

This module wires the parts together and holds no policy logic: adapters collect resources,
the engine judges them, a report format renders the decision and the evidence store signs it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from .options import (
    evidence_options,
    gate_options,
    jobs_option,
    policy_options,
    report_options,
    runtime_options,
)
from .output import emit_report
from .pipeline import build_runtime, gate_policy, load_policies, load_waivers
from .recording import record_run


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--input-kind",
    metavar="KIND",
    help="Read every path as this kind instead of detecting it (terraform-plan, kubernetes).",
)
@policy_options
@report_options
@gate_options
@evidence_options
@click.option(
    "--strict", is_flag=True, help="Treat documents of unknown kind as errors instead of skipping them."
)
@runtime_options
@jobs_option
@click.option(
    "--catalog",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Placement catalog: misplaced workloads' findings name the cheapest compliant alternative.",
)
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
    jobs: int | None,
    catalog: Path | None,
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
    from ..engine.forked import usable_cpus

    now = datetime.now(UTC)
    policy_set = load_policies(policies, data)
    waiver_list = load_waivers(waivers)
    gate = gate_policy(fail_on, max_risk, environment, policy_set)
    jobs = jobs or usable_cpus()
    collection = collect_paths(list(paths), input_kind=input_kind, strict=strict, collected_at=now, jobs=jobs)
    for skipped in collection.skipped:
        click.echo(f"gavel: {skipped}", err=True)
    rego_runtime = build_runtime(runtime, opa_url)
    estate = build_estate(collection.resources)
    decision = evaluate(policy_set, estate, rego_runtime, waivers=waiver_list, gate=gate, now=now, jobs=jobs)
    if catalog is not None:
        from .place import with_catalog_alternatives

        decision = with_catalog_alternatives(decision, estate, catalog, policy_set, rego_runtime, waiver_list)
    context = {
        "command": "check",
        "paths": [str(p) for p in paths],
        "skipped": [str(s) for s in collection.skipped],
    }
    receipt = None if no_evidence else record_run(decision, collection.resources, evidence_url, context)
    emit_report(decision, policy_set, receipt, output_format, output)
    click.get_current_context().exit(0 if decision.passed else 1)
