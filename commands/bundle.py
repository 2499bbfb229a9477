"""`gavel bundle build`: the policy library as an OPA bundle, so OPA fleets run the same policies.

Serve the tarball from any bundle service (or `opa run -s -b bundle.tar.gz`) and ask
`POST /v1/data/gavel/entrypoint/results` with `{"input": {"resource": ...}}`; push the estate to
`/v1/data/gavel/estate` for the policies that look across resources.
"""

from __future__ import annotations

from pathlib import Path

import click

from .options import policy_options
from .pipeline import load_policies


@click.group("bundle")
def command() -> None:
    """Build an OPA bundle (.tar.gz with .manifest) of the policy library."""


@command.command("build")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the bundle tarball (e.g. bundle.tar.gz).",
)
@click.option("--revision", help="The manifest's revision (default: the policy set's sha256 digest).")
@policy_options
def build(out: Path, revision: str | None, policies: tuple[str, ...], data: tuple[Path, ...]) -> None:
    """Write the policies, lib/ helpers, data (as data.json) and a `gavel.entrypoint` module.

    Rego unit tests (*_test.rego) are left out. The manifest's roots cover only what the bundle
    owns, so `data.gavel.estate` can still be written through OPA's Data API.
    """
    from ..engine.bundle import build_bundle, write_bundle
    from ..evidence.records import gavel_version

    bundle = build_bundle(load_policies(policies, data), revision=revision, tool_version=gavel_version())
    write_bundle(bundle, out)
    click.echo(
        f"wrote {out}: {len(bundle.modules)} modules, {len(bundle.data_files)} data files, "
        f"revision {bundle.manifest['revision']}, roots {', '.join(bundle.manifest['roots'])}"
    )
