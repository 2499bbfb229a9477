"""`gavel place`: the cheapest placement of a workload that the policies pass, and why.

Wiring only: the adapter reads the workload and catalog, the engine judges and optimises
(`engine.placement`), the report module words it, and the decision (the chosen placement and
every reason the cheaper ones lost) is signed into the evidence log like a `gavel check` run.
Exit 0 with a placement, 1 when nothing in the catalog complies.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from ..engine.errors import UsageError
from ..engine.estate import Estate
from ..engine.loader import PolicySet
from ..engine.models import Decision, EvidenceReceipt, GatePolicy, Provenance, Resource, Waiver
from ..engine.placement import PlacementJudge
from ..engine.placement_model import Placement, Verdict, Workload
from ..engine.placement_resources import Materialiser
from ..engine.rego import RegoRuntime
from .options import evidence_options, gate_options, policy_options, runtime_options
from .output import write_atomically
from .pipeline import build_runtime, gate_policy, load_policies, load_waivers
from .recording import record_run

_INPUT = click.Path(path_type=Path, dir_okay=False)


@click.command()
@click.option("--workload", "workload_path", required=True, type=_INPUT, help="Workload file (YAML/JSON).")
@click.option(
    "--catalog", "catalog_path", required=True, type=_INPUT, help="Catalog of candidates (YAML/JSON)."
)
@click.option(
    "--top", type=click.IntRange(min=0), default=3, show_default=True, help="Runners-up to list (K)."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A summary for people, or the whole answer as JSON.",
)
@click.option("--output", type=_INPUT, help="Write the answer here (atomically) instead of stdout.")
@click.option(
    "--lineage",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Lineage documents (OpenLineage events) to derive the data of the workload's lineage ids from.",
)
@policy_options
@gate_options
@evidence_options
@runtime_options
def command(
    workload_path: Path,
    catalog_path: Path,
    top: int,
    output_format: str,
    output: Path | None,
    lineage: tuple[Path, ...],
    policies: tuple[str, ...],
    data: tuple[Path, ...],
    fail_on: str,
    max_risk: float | None,
    environment: str | None,
    waivers: Path | None,
    evidence_url: str | None,
    no_evidence: bool,
    runtime: str,
    opa_url: str | None,
) -> None:
    """Find the cheapest placement of a workload that the policies pass.

    Every catalog entry that can run the workload is turned into the Kubernetes Job, node pool
    or instance and bucket it would create, and judged by the same policies as `gavel check`.
    The answer is the cheapest offer whose risk stays within --max-risk (default: the
    workload's environment threshold, else 0) with no blocking finding; exits 1 when none does,
    naming the smallest change that would make the cheapest candidate comply.

    \b
    Examples:
      gavel place --workload workload.yaml --catalog catalog.yaml
      gavel place --workload w.yaml --catalog c.json --max-risk 10 --top 5 --format json
    """
    from ..adapters.placement_inputs import read_catalog, read_workload
    from ..engine.placement import place, policies_in_force
    from ..engine.placement_fix import smallest_change
    from ..engine.placement_report import placement_document, render_text

    now = datetime.now(UTC)
    policy_set = load_policies(policies, data)
    regions = policy_set.data.get("regions", {})
    accelerators = policy_set.data.get("placement_accelerators", {})
    workload = read_workload(workload_path, regions, accelerators)
    catalog = read_catalog(catalog_path, regions, accelerators)
    workload = _with_lineage(workload, lineage, regions, now)
    gate = gate_policy(fail_on, max_risk, environment or workload.environment, policy_set)
    if gate.max_risk is None:
        gate = GatePolicy(fail_on=gate.fail_on, max_risk=0.0)
    judge = PlacementJudge(
        policies_in_force(policy_set, workload.frameworks),
        build_runtime(runtime, opa_url),
        gate=gate,
        now=now,
        waivers=load_waivers(waivers),
    )
    materialiser = Materialiser(accelerators, catalog.source, catalog.source_digest, now)
    placement = place(workload, catalog, judge, materialiser, top=top)
    if placement.chosen is None and placement.rejected:
        pools = policy_set.data.get("placement", {}).get("approved_node_pools", [])
        fix = smallest_change(workload, placement.rejected[0].offer, judge, materialiser, regions, pools)
        placement = dataclasses.replace(placement, fix=fix)
    document = placement_document(placement, workload, catalog.source)
    receipt = None
    if not no_evidence:
        receipt = _record(placement, workload, judge, materialiser, document, evidence_url)
    if output_format == "json":
        rendered = json.dumps({**document, "evidence": _receipt(receipt)}, indent=2) + "\n"
    else:
        rendered = render_text(placement, workload, regions, catalog.currency)
        if receipt is not None:
            rendered += f"Recorded as evidence #{receipt.log_index} ({receipt.record_digest}).\n"
    if output is None:
        click.echo(rendered, nl=False)
    else:
        write_atomically(output, rendered.encode())
    click.get_current_context().exit(0 if placement.chosen else 1)


def _with_lineage(
    workload: Workload, paths: Sequence[Path], regions: Mapping[str, Any], now: datetime
) -> Workload:
    """The workload with its data derived from lineage documents, when it names lineage ids."""
    named = workload.lineage_jobs or workload.lineage_datasets
    if named and not paths:
        raise UsageError(
            f"{workload.source}: the workload names lineage jobs or datasets; "
            "pass the lineage documents that describe them with --lineage PATH"
        )
    if not paths:
        return workload
    from ..adapters.detect import collect_paths
    from ..engine.placement_lineage import with_lineage

    collection = collect_paths(list(paths), collected_at=now)
    for skipped in collection.skipped:
        click.echo(f"gavel: skipped {skipped.source}: {skipped.reason}", err=True)
    return with_lineage(workload, collection.resources, regions)


def _record(
    placement: Placement,
    workload: Workload,
    judge: PlacementJudge,
    materialiser: Materialiser,
    document: Mapping[str, Any],
    evidence_url: str | None,
) -> EvidenceReceipt:
    """Sign the chosen (or cheapest rejected) placement's judgement, with why it won or lost."""
    decisive = placement.chosen or (placement.rejected[0] if placement.rejected else None)
    if decisive is None:
        resources: tuple[Resource, ...] = ()
        reasons: tuple[str, ...] = ("no catalog entry can run the workload",)
        decision = judge.decision(resources, Verdict((), 0.0, False, reasons), reasons)
    else:
        resources = materialiser.materialise(workload, decisive.offer)
        verdict = judge.verdict(resources, complete=True)
        reasons = () if placement.chosen else ("no catalog entry complies", *verdict.reasons)
        decision = judge.decision(resources, verdict, reasons)
    rejected = [{k: v for k, v in entry.items() if k != "findings"} for entry in document["rejected"]]
    context = {
        "command": "place",
        "workload": workload.source,
        "catalog": document["summary"]["catalog"],
        "placement": {**document, "rejected": rejected, "misfits": len(document["misfits"])},
    }
    subjects = [*resources, *_sources(workload, materialiser)]
    return record_run(decision, subjects, evidence_url, context)


def _sources(workload: Workload, materialiser: Materialiser) -> list[Resource]:
    """Stand-ins naming the workload and catalog files, so both are evidence subjects by digest."""
    files = [
        (workload.source, workload.source_digest),
        (materialiser.catalog_source, materialiser.catalog_digest),
    ]
    return [
        Resource(
            id=f"file:{name}",
            kind="file",
            name=name,
            platform="file",
            attributes={},
            provenance=Provenance("placement", name, digest, materialiser.collected_at),
        )
        for name, digest in files
    ]


def _receipt(receipt: EvidenceReceipt | None) -> dict[str, Any] | None:
    return (
        None if receipt is None else {"log_index": receipt.log_index, "record_digest": receipt.record_digest}
    )


def with_catalog_alternatives(
    decision: Decision,
    estate: Estate,
    catalog_path: Path,
    policy_set: PolicySet,
    runtime: RegoRuntime,
    waivers: Sequence[Waiver],
) -> Decision:
    """`gavel check --catalog`: placement findings name the cheapest compliant alternative.

    The alternative is judged by the same policy set and waivers as the check and must clear its
    placement findings with no risk budget unless `--max-risk` gave one, as `gavel place` does.
    """
    from ..adapters.placement_inputs import read_catalog
    from ..engine.placement_hook import alternative_finder, with_alternatives

    regions = policy_set.data.get("regions", {})
    accelerators = policy_set.data.get("placement_accelerators", {})
    catalog = read_catalog(catalog_path, regions, accelerators)
    gate = decision.gate
    if gate.max_risk is None:
        gate = GatePolicy(fail_on=gate.fail_on, max_risk=0.0)
    judge, materialiser = alternative_finder(
        policy_set, runtime, catalog, gate=gate, now=decision.evaluated_at, waivers=waivers
    )
    return with_alternatives(decision, estate, catalog, judge, materialiser)
