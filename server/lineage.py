"""The OpenLineage receiver: `POST /api/v1/lineage` as the OpenLineage HTTP transport sends it.

Point any OpenLineage producer (the Python and Java clients, the Airflow, Spark and dbt
integrations) at `http://host:port` with transport `http` (and an `api_key` when the receiver
has a token): each event is validated against the OpenLineage spec and stored in the lineage
store, which `OpenLineageStore` reads back for audits.

- 201 when the event is stored (the answer names its id);
- 400 with the schema path at fault (`run.runId: 'x' is not a 'uuid'`) for an invalid event,
  and for a body that is not one JSON object (gzip-compressed bodies, as the transport's
  `compression: gzip` sends them, are accepted); nothing is stored;
- 401 when a token is configured and the request's `Authorization: Bearer` does not match;
- 503 when the store cannot take the event (the producer's retry then resends it);
- `GET /healthz` answers 200 while the store is reachable.
"""

from __future__ import annotations

import gzip
import hmac
import json
from typing import TYPE_CHECKING, Any

from ..adapters.openlineage_schema import validation_error
from ..adapters.openlineage_store import LineageStore, LineageStoreError
from .uvicorn_thread import ServerThread

if TYPE_CHECKING:
    from starlette.applications import Starlette

LINEAGE_PATH = "/api/v1/lineage"


def create_app(store: LineageStore, token: str | None = None) -> Starlette:
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    expected = f"Bearer {token}".encode() if token else None

    def problem(status: int, message: str) -> Response:
        return JSONResponse({"error": message}, status_code=status)

    async def receive(request: Request) -> Response:
        if expected is not None:
            given = request.headers.get("authorization", "").encode()
            if not hmac.compare_digest(given, expected):
                return problem(401, "missing or wrong bearer token")
        raw = await request.body()
        try:
            if request.headers.get("content-encoding", "").lower() == "gzip":
                raw = gzip.decompress(raw)
            body = raw.decode("utf-8")
            event = json.loads(body)
        except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
            return problem(400, f"the body is not JSON: {error}")
        if not isinstance(event, dict):
            return problem(400, "the body must be one OpenLineage event (a JSON object)")
        reason = validation_error(event)
        if reason is not None:
            return problem(400, f"invalid OpenLineage event: {reason}")
        try:
            event_id = await run_in_threadpool(store.append, body, event)
        except LineageStoreError as error:
            return problem(503, error.message)
        return JSONResponse({"id": event_id}, status_code=201)

    async def healthz(_request: Request) -> Response:
        try:
            await run_in_threadpool(store.count)
        except LineageStoreError as error:
            return PlainTextResponse(error.message, status_code=503)
        return PlainTextResponse("ok")

    routes = [Route(LINEAGE_PATH, receive, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])]
    return Starlette(routes=routes)


class LineageServer(ServerThread):
    """The receiver under uvicorn, accepting connections from construction on."""

    def __init__(
        self, store: LineageStore, host: str = "127.0.0.1", port: int = 5000, token: str | None = None
    ):
        import uvicorn

        config: Any = uvicorn.Config(
            create_app(store, token), log_level="warning", access_log=False, lifespan="off"
        )
        super().__init__(config, host, port, backlog=1024, name="gavel-lineage")
        self.store = store
        self.url = f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"
