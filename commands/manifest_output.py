"""Writing Kubernetes manifests out: one stream on stdout, or one file per object in a folder.

Shared by `gavel webhook manifests` and `gavel audit manifests`, so both pipe into
`kubectl apply -f -` and both write folders that `kubectl apply -k` (kustomize) takes as they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

FORMATS = ("yaml", "json")
F = TypeVar("F", bound=Callable[..., Any])


def out_option(function: F) -> F:
    """`--out DIR`, the folder `emit_manifests` writes to instead of stdout."""
    return click.option(
        "--out",
        type=click.Path(path_type=Path, file_okay=False),
        help="Write one file per object plus kustomization.yaml here.",
    )(function)


def render(manifests: Sequence[dict[str, Any]], output_format: str) -> str:
    """A multi-document YAML stream, or one JSON `v1 List` (what kubectl reads from a JSON stream)."""
    from ..server.manifests import to_yaml

    if output_format == "yaml":
        return to_yaml(manifests)
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": list(manifests)}, indent=2) + "\n"


def emit_manifests(
    manifests: Sequence[dict[str, Any]], out: Path | None, output_format: str = "yaml"
) -> None:
    """Print the manifests, or write `NN-kind-name.<format>` files plus kustomization.yaml to `out`."""
    from ..server.manifests import file_name, kustomization, to_yaml

    if out is None:
        click.echo(render(manifests, output_format), nl=False)
        return
    out.mkdir(parents=True, exist_ok=True)
    for index, manifest in enumerate(manifests):
        text = to_yaml([manifest]) if output_format == "yaml" else json.dumps(manifest, indent=2) + "\n"
        (out / file_name(index, manifest, output_format)).write_text(text, encoding="utf-8")
    (out / "kustomization.yaml").write_text(
        to_yaml([kustomization(manifests, output_format)]), encoding="utf-8"
    )
    click.echo(f"gavel: wrote {len(manifests)} manifests and kustomization.yaml to {out}", err=True)
