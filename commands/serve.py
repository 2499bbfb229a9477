"""`gavel serve --opa-compatible`: OPA's REST API over the embedded runtime, as a sidecar.

Tools that already talk to an OPA server (OPA SDKs, `opa-python-client`, gavel's own
`--runtime opa`) can point at this instead: same Policy and Data API, evaluated by regorus.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..engine.errors import UsageError
from ..engine.loader import PolicySet
from ..engine.rego import RegoBundle
from .options import policy_options
from .pipeline import load_policies


def served_bundle(policy_set: PolicySet) -> RegoBundle:
    """The policies with their data under `data.gavel.data`, where the library reads it (as in
    `gavel check` and the bundles `gavel bundle build` writes), not at the data root."""
    return RegoBundle(policy_set.modules, {"gavel": {"data": policy_set.data}}, policy_set.rego_v0_modules)


@click.command("serve")
@click.option(
    "--opa-compatible",
    is_flag=True,
    help="Serve OPA's REST API (Policy API, Data API, /health) over the embedded regorus runtime: "
    "a sidecar that OPA clients use as they would an OPA server. Required: the only mode for now.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8181, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free)."
)
@policy_options
def command(
    opa_compatible: bool, host: str, port: int, policies: tuple[str, ...], data: tuple[Path, ...]
) -> None:
    """Serve OPA's Data API over the embedded runtime (a sidecar for OPA clients).

    With --policies, the policy folders (and --data documents) are loaded before the first
    request; otherwise the server starts empty and clients push policies and data with
    PUT /v1/policies/{id} and PUT /v1/data.
    """
    if not opa_compatible:
        raise UsageError("gavel serve needs --opa-compatible (the only server mode so far)")
    from ..server.opa_compat import OpaCompatServer

    bundle = None
    if policies or data:
        policy_set = load_policies(policies, data)
        bundle = served_bundle(policy_set)
    server = OpaCompatServer(host, port, bundle)
    click.echo(f"gavel: serving OPA's REST API over the embedded runtime at {server.url}", err=True)
    server.run()
