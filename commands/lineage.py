"""`gavel lineage serve`: receive OpenLineage events over HTTP into the lineage store audits read.

Producers use OpenLineage's HTTP transport unchanged, e.g. for the Python client:

    OPENLINEAGE_URL=http://gavel-lineage:5000 OPENLINEAGE_API_KEY=<token> python job.py
"""

from __future__ import annotations

import click

from .settings import gavel_home


def default_store_url() -> str:
    return f"sqlite:///{gavel_home() / 'lineage.db'}"


@click.group("lineage")
def command() -> None:
    """Receive OpenLineage events and keep them for audits."""


@command.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=5000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free)."
)
@click.option(
    "--token",
    envvar="GAVEL_LINEAGE_TOKEN",
    metavar="TOKEN",
    help="Require `Authorization: Bearer TOKEN` (the client's api_key). Default: $GAVEL_LINEAGE_TOKEN.",
)
@click.option(
    "--store",
    "store_url",
    metavar="URL",
    help="Lineage store: sqlite:///path or postgresql://... Default: sqlite under $GAVEL_HOME (./.gavel).",
)
def serve(host: str, port: int, token: str | None, store_url: str | None) -> None:
    """Serve POST /api/v1/lineage (OpenLineage HTTP transport) and GET /healthz.

    Each event is validated against the OpenLineage spec (400 with the schema path when it is
    not) and stored; `gavel audit` reads the store back.
    """
    from ..adapters.openlineage_store import LineageStore
    from ..server.lineage import LineageServer

    store = LineageStore.open(store_url or default_store_url())
    server = LineageServer(store, host, port, token)
    auth = "bearer token required" if token else "no authentication"
    click.echo(
        f"gavel: OpenLineage receiver at {server.url}/api/v1/lineage ({auth}), store {store.url}", err=True
    )
    try:
        server.run()
    finally:
        store.close()
