"""`gavel estate show`: the estate graph gavel builds from a set of sources, without judging it.

Cross-layer findings ("this job reads personal data and runs in Iowa") rest on joins a user
cannot see in any one file; this command prints them, with each resource's classification and
why, so a surprising finding can be traced to the lineage event, label or link behind it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click


@click.group("estate")
def command() -> None:
    """Inspect the estate graph: resources of every layer and the edges joining them."""


@command.command("show")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "dot", "json"]),
    default="text",
    show_default=True,
    help="A text tree, a Graphviz digraph (`| dot -Tsvg`), or JSON.",
)
@click.option(
    "--input-kind",
    metavar="KIND",
    help="Read every path as this kind instead of detecting it (see `gavel check --help`).",
)
@click.option(
    "--strict", is_flag=True, help="Treat documents of unknown kind as errors instead of skipping them."
)
def show(paths: tuple[Path, ...], output_format: str, input_kind: str | None, strict: bool) -> None:
    """Print the resources found in PATHS, their classification and the edges between them.

    PATHS are files or folders, as for `gavel check`; every source is collected into one estate,
    so a lineage event, a Kubernetes manifest and a Terraform plan meet in one graph. An edge
    inherited through a lineage job names the job (`via`); a link that names nothing collected
    is listed as unresolved.

    \b
    Examples:
      gavel estate show lineage/ k8s/ plan.json
      gavel estate show . --format dot | dot -Tsvg > estate.svg
      gavel estate show events.jsonl --format json
    """
    from ..adapters.detect import collect_paths
    from ..engine.estate import build_estate
    from .estate_formats import RENDERERS

    collection = collect_paths(
        list(paths), input_kind=input_kind, strict=strict, collected_at=datetime.now(UTC)
    )
    for skipped in collection.skipped:
        click.echo(f"gavel: skipped {skipped.source}: {skipped.reason}", err=True)
    click.echo(RENDERERS[output_format](build_estate(collection.resources)), nl=False)
