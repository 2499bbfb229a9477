"""OPA's REST API (Policy API, Data API, health) over the embedded regorus runtime.

A sidecar for tools that already speak to OPA: they push policies and data and ask
`POST /v1/data/<path>` exactly as they would ask an OPA server, and gavel's `OpaServerRuntime`
can use it in place of one. Answers and error bodies follow OPA's shapes (`{"result": ...}`, `{}`
when undefined, `{"code", "message", "errors": [{"code", "message", "location"}]}`).

regorus engines belong to the thread that built them, so every store call runs on one dedicated
engine thread and the event loop only awaits it. Known differences from OPA: only Rego v1; a
request without `input` is evaluated with an empty input object; the root document cannot be
queried; policy listings carry the package path of each module's AST, not the whole AST.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, TypeVar

from ..engine.errors import GavelError, InputError, PolicyError, RuntimeUnavailableError
from ..engine.rego import EvaluationError, RegoBundle
from .opa_state import PolicyStore, ResourceNotFoundError, package_of, split_path
from .uvicorn_thread import ServerThread

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

T = TypeVar("T")


def _without_frames(call: Callable[[], T]) -> T:
    """Run `call` on the engine thread, re-raising its error without the traceback: those frames
    can hold an engine (a rejected candidate), which the receiving thread would then drop, and
    regorus panics when an engine is dropped outside the thread that built it."""
    try:
        return call()
    except GavelError as error:
        failure: Exception = type(error)(error.message, error.location, error.hint)
    except Exception as error:  # same reason; becomes a 500 internal_error
        failure = RuntimeError(f"{type(error).__name__}: {error}")
    raise failure


class EngineThread:
    """One thread that builds the store, runs every call on it in submission order, and drops it."""

    def __init__(self, bundle: RegoBundle | None) -> None:
        # One worker, never replaced while the executor lives: the thread that built the engine.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gavel-rego")
        try:
            store = self._executor.submit(_without_frames, lambda: PolicyStore(bundle)).result()
        except GavelError:
            self._executor.shutdown()
            raise
        self._store: PolicyStore | None = store

    async def run(self, call: Callable[[PolicyStore], T]) -> T:
        return await asyncio.wrap_future(self._executor.submit(_without_frames, lambda: self._call(call)))

    def close(self) -> None:
        """Release the store on its own thread, then stop the thread."""
        self._executor.submit(self._release).result()
        self._executor.shutdown(wait=True)

    def _call(self, call: Callable[[PolicyStore], T]) -> T:
        if self._store is None:
            raise RuntimeUnavailableError("the OPA-compatible server is shutting down")
        return call(self._store)

    def _release(self) -> None:
        self._store = None


def _error(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> Response:
    from starlette.responses import JSONResponse

    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["errors"] = details
    return JSONResponse(body, status_code=status)


def _detail(code: str, error: GavelError) -> dict[str, Any]:
    detail: dict[str, Any] = {"code": code, "message": error.message.removeprefix("Rego error: ")}
    if error.location:
        where = error.location
        detail["location"] = {"file": where.file, "row": where.line or 0, "col": where.column or 0}
    return detail


def _error_response(error: GavelError) -> Response:
    """OPA's status codes and error bodies for gavel's errors."""
    if isinstance(error, EvaluationError):
        return _error(
            500, "internal_error", "error(s) occurred while evaluating query", [_detail("eval_error", error)]
        )
    if isinstance(error, ResourceNotFoundError):
        return _error(404, "resource_not_found", error.message)
    if isinstance(error, PolicyError):
        details = [_detail("rego_compile_error", error)]
        return _error(400, "invalid_parameter", "error(s) occurred while compiling module(s)", details)
    return _error(400, "invalid_parameter", error.message)


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise InputError(f"request body is not JSON: {error}") from None


def _policy_document(policy_id: str, text: str) -> dict[str, Any]:
    path = [{"type": "var", "value": "data"}] + [{"type": "string", "value": s} for s in package_of(text)]
    return {"id": policy_id, "raw": text, "ast": {"package": {"path": path}}}


def create_app(bundle: RegoBundle | None = None) -> Starlette:
    """The ASGI app; `bundle` is compiled now, so a bad preload fails before anything listens."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    engine = EngineThread(bundle)
    provenance = {"version": f"gavel-{version('gavel')} regorus-{version('gordon-to-regorus')}"}

    async def health(request: Request) -> Response:
        return JSONResponse({})

    async def list_policies(request: Request) -> Response:
        policies = await engine.run(lambda store: store.policies())
        return JSONResponse({"result": [_policy_document(pid, text) for pid, text in policies.items()]})

    async def policy(request: Request) -> Response:
        policy_id = request.path_params["policy_id"]
        if request.method == "PUT":
            text = (await request.body()).decode()
            await engine.run(lambda store: store.put_policy(policy_id, text))
            return JSONResponse({})
        if request.method == "DELETE":
            await engine.run(lambda store: store.delete_policy(policy_id))
            return JSONResponse({})
        text = await engine.run(lambda store: store.policy(policy_id))
        return JSONResponse({"result": _policy_document(policy_id, text)})

    async def data(request: Request) -> Response:
        path = split_path(request.path_params.get("path", ""))
        if request.method in ("PUT", "PATCH", "DELETE"):
            body = await _json_body(request) if request.method != "DELETE" else None
            if request.method == "PUT":
                await engine.run(lambda store: store.put_data(path, body))
            elif request.method == "PATCH":
                await engine.run(lambda store: store.patch_data(path, body))
            else:
                await engine.run(lambda store: store.delete_data(path))
            return Response(status_code=204)
        body = await _json_body(request) if request.method == "POST" else None
        if body is not None and not isinstance(body, dict):
            raise InputError('the request body must be an object: {"input": ...}')
        input_document = body.get("input", {}) if body else {}
        defined, value = await engine.run(lambda store: store.evaluate(path, input_document))
        answer: dict[str, Any] = {"result": value} if defined else {}
        if request.query_params.get("provenance", "").lower() == "true":
            answer["provenance"] = provenance
        return JSONResponse(answer)

    async def gavel_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, GavelError)
        return _error_response(error)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        engine.close()

    data_methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/v1/policies", list_policies, methods=["GET"]),
        Route("/v1/policies/", list_policies, methods=["GET"]),
        Route("/v1/policies/{policy_id:path}", policy, methods=["GET", "PUT", "DELETE"]),
        Route("/v1/data", data, methods=data_methods),
        Route("/v1/data/{path:path}", data, methods=data_methods),
    ]
    return Starlette(routes=routes, exception_handlers={GavelError: gavel_error}, lifespan=lifespan)


class OpaCompatServer(ServerThread):
    """The app under uvicorn, accepting connections from construction on."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8181, bundle: RegoBundle | None = None) -> None:
        import uvicorn

        config = uvicorn.Config(create_app(bundle), log_level="warning", lifespan="on")
        super().__init__(config, host, port, backlog=128, name="gavel-opa-compat")
        self.url = f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"


def serve(host: str, port: int, bundle: RegoBundle | None = None) -> None:
    """Serve OPA's Data API over the embedded runtime until interrupted."""
    OpaCompatServer(host, port, bundle).run()
