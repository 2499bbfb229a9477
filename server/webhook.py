"""The admission webhook over HTTPS: a thin ASGI app around the pure `review()`.

`POST /validate` reads at most 3 MiB, parses the AdmissionReview, hands the request to an
evaluation thread (regorus engines are thread-affine, so each thread prepares its own once) and
waits at most the per-request deadline; past it, or when evaluation raises, the failure mode
answers. Every answer is signed and committed to the evidence log through the group-commit
appender before it is sent. `/healthz` says the process lives, `/readyz` that every evaluation
thread has its policies loaded, `/metrics` is Prometheus text.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..adapters.kubernetes import KubernetesManifests
from ..adapters.sources import Document, SourceText
from ..engine.admission import (
    MAX_REQUEST_BYTES,
    AdmissionError,
    AdmissionRequest,
    AdmissionResponse,
    AdmissionVerdict,
    error_response,
    failure_verdict,
    parse_review,
    review,
)
from ..engine.admission_settings import AdmissionSettings, FailureMode, settings_from_document
from ..engine.errors import PolicyError, SourceLocation
from ..engine.kind_evaluation import KindEvaluation
from ..engine.loader import PolicySet, load_data_file, load_policy_set
from ..engine.models import EvidenceReceipt, Resource
from ..engine.rego import EmbeddedRuntime
from ..evidence.tables import EntryCreate
from .admission_evidence import DecisionRecorder, EvidenceRecorder
from .alternatives import Alternatives
from .manifests import KIND_RESOURCES
from .namespace_lookup import NamespaceLookup
from .webhook_metrics import WebhookMetrics

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Receive, Scope, Send

CONFIG_ENVIRONMENT = "GAVEL_WEBHOOK_CONFIG"
log = logging.getLogger("gavel.webhook")


@dataclass(frozen=True)
class WebhookConfig:
    """Everything a worker process needs to build the app; JSON-serialisable for uvicorn workers."""

    policies: tuple[str, ...] = ("builtin",)
    data: tuple[str, ...] = ()
    enforcement_config: str | None = None
    failure_mode: str = FailureMode.CLOSED.value
    deadline_seconds: float = 3.0
    evidence_url: str | None = None
    keys_dir: str = ".gavel/keys"
    # regorus holds the GIL while it evaluates, so a second evaluation thread in a worker runs
    # nothing in parallel and only adds GIL hand-offs (about 10% fewer reviews/s under load).
    evaluation_threads: int = 1
    namespace_lookup: str = "off"
    kubeconfig: str | None = None
    kube_context: str | None = None
    catalog: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> WebhookConfig:
        document = json.loads(text)
        document["policies"] = tuple(document["policies"])
        document["data"] = tuple(document["data"])
        return cls(**document)


def load_settings(config: WebhookConfig) -> AdmissionSettings:
    """The enforcement file (or the defaults), validated; errors name the file."""
    mode = FailureMode(config.failure_mode)
    if config.enforcement_config is None:
        return AdmissionSettings(failure_mode=mode)
    path = Path(config.enforcement_config)
    if not path.is_file():
        raise PolicyError("enforcement config does not exist", SourceLocation(str(path)))
    return settings_from_document(load_data_file(path), str(path), mode)


def namespace_lookup_for(config: WebhookConfig) -> NamespaceLookup | None:
    """The cluster to read namespace labels from: `on`, or `auto` when running in a cluster
    or given a kubeconfig; credentials that do not load stop the server here (exit 4)."""
    in_cluster = bool(os.environ.get("KUBERNETES_SERVICE_HOST"))
    if config.namespace_lookup == "off" or (
        config.namespace_lookup == "auto" and not in_cluster and config.kubeconfig is None
    ):
        return None
    from ..adapters.kubernetes_cluster import connect

    kubeconfig = Path(config.kubeconfig) if config.kubeconfig else None
    return NamespaceLookup(connect(kubeconfig, config.kube_context))


def covered_kinds(policy_set: PolicySet) -> tuple[str, ...]:
    """The Kubernetes kinds the loaded policies name (every known kind for `*` policies)."""
    kinds = {kind for p in policy_set.policies for kind in p.metadata.resource_kinds}
    if "*" in kinds:
        kinds |= set(KIND_RESOURCES)
    return tuple(sorted(kinds - {"*"}))


def kubernetes_resource(
    obj: Mapping[str, Any], namespace: str, now: datetime, *, digest: str = ""
) -> Resource:
    """An admitted object as the Kubernetes adapter normalises it (namespace filled from the request).

    `digest` is the sha256 of the AdmissionReview body the object came in, the same digest the
    evidence record names as its subject, so a finding traces back to the exact request.
    """
    metadata = obj.get("metadata")
    if namespace and isinstance(metadata, Mapping) and not metadata.get("namespace"):
        obj = {**obj, "metadata": {**metadata, "namespace": namespace}}
    source = SourceText(name="admission-review", text="", digest=digest)
    manifests = KubernetesManifests.from_documents(source, [Document(obj, 1)], now, strict=True)
    return manifests.resources[0]


class Evaluators:
    """A pool of threads, each holding its runtimes with the policy set loaded once (per kind group)."""

    def __init__(self, policy_set: PolicySet, threads: int):
        self.policy_set = policy_set
        self.kinds = covered_kinds(policy_set)
        self._local = threading.local()
        self._threads = threads
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="gavel-eval")

    def prepared(self) -> KindEvaluation:
        prepared: KindEvaluation | None = getattr(self._local, "prepared", None)
        if prepared is None:
            admitted = [kind for kind in self.kinds if kind in KIND_RESOURCES]
            prepared = KindEvaluation(self.policy_set, self.kinds, EmbeddedRuntime, prepare=admitted)
            self._local.prepared = prepared
        return prepared

    def warm_up(self) -> None:
        """Load the policies into every thread before the server says it is ready."""
        barrier = threading.Barrier(self._threads)

        def load() -> None:
            self.prepared()
            barrier.wait(timeout=60)

        for future in [self.pool.submit(load) for _ in range(self._threads)]:
            future.result()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


class WebhookService:
    """Judging and recording, independent of HTTP: what `/validate` delegates to."""

    def __init__(self, config: WebhookConfig, recorder: DecisionRecorder | None = None):
        self.config = config
        self.settings = load_settings(config)
        policy_set = load_policy_set(list(config.policies), [Path(d) for d in config.data])
        self.evaluators = Evaluators(policy_set, config.evaluation_threads)
        self.namespaces = namespace_lookup_for(config)
        self.alternatives = Alternatives(policy_set, Path(config.catalog)) if config.catalog else None
        self.metrics = WebhookMetrics()
        if recorder is None and config.evidence_url is not None:
            recorder = EvidenceRecorder(
                config.evidence_url,
                Path(config.keys_dir),
                bundle_digest=policy_set.digest(),
                runtime=EmbeddedRuntime().version(),
                on_depth=self.metrics.evidence_pending.set,
            )
        self.recorder = recorder
        self.ready_event = threading.Event()

    @property
    def ready(self) -> bool:
        return self.ready_event.is_set()

    def start(self) -> None:
        self.evaluators.warm_up()
        self.ready_event.set()

    def close(self) -> None:
        self.ready_event.clear()
        self.evaluators.close()
        if self.recorder is not None:
            self.recorder.close()

    def _judge(self, request: AdmissionRequest) -> tuple[AdmissionVerdict, EntryCreate | None]:
        """On an evaluation thread: review, and sign the record while still off the event loop."""
        now = datetime.now(UTC)
        try:
            namespace = None
            if self.namespaces is not None and request.namespace:
                namespace = self.namespaces.get(request.namespace)
            verdict = review(
                request,
                self.evaluators.prepared(),
                self.settings,
                to_resource=partial(kubernetes_resource, digest=request.body_digest),
                now=now,
                namespace=namespace,
                annotate=self.alternatives.annotate if self.alternatives is not None else None,
            )
        except AdmissionError:
            raise
        except Exception as error:  # any failure to judge is answered by the failure mode, never a crash
            log.exception("evaluation of %s failed", request.uid)
            verdict = failure_verdict(request, self.settings, f"{type(error).__name__}: {error}")
        record = self.recorder.sign(verdict, now) if self.recorder is not None else None
        return verdict, record

    async def judge(self, request: AdmissionRequest) -> AdmissionResponse:
        started = time.monotonic()
        deadline = self.config.deadline_seconds
        future = self.evaluators.pool.submit(self._judge, request)
        try:
            verdict, record = await asyncio.wait_for(asyncio.wrap_future(future), timeout=deadline)
            # regorus holds the GIL while it evaluates, so the loop may only wake once a slow
            # evaluation has finished: a late answer is still past the deadline.
            if time.monotonic() - started > deadline:
                raise TimeoutError
        except TimeoutError:
            reason = f"evaluation did not finish within the {deadline} s deadline"
            log.error("request %s: %s; answering %s", request.uid, reason, self.settings.failure_mode.value)
            verdict = failure_verdict(request, self.settings, reason)
            record = self.recorder.sign(verdict, datetime.now(UTC)) if self.recorder is not None else None
        if verdict.failure is not None:
            self.metrics.evaluation_errors.inc()
        self.metrics.decided(verdict.outcome, request.dry_run)
        response = verdict.response
        if record is not None:
            remaining = max(deadline - (time.monotonic() - started), 0.25)
            receipt = await self._recorded(request, record, remaining)
            if receipt is not None:
                annotations = {
                    "evidence-index": str(receipt.log_index),
                    "evidence-digest": receipt.record_digest,
                }
                response = dataclasses.replace(response, audit_annotations=annotations)
        return response

    async def _recorded(
        self, request: AdmissionRequest, record: EntryCreate, wait: float
    ) -> EvidenceReceipt | None:
        assert self.recorder is not None
        future = self.recorder.submit(record)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout=wait)
        except Exception as error:  # the answer stands; the gap is logged and counted, never hidden
            log.error("request %s: decision not confirmed in the evidence log: %s", request.uid, error)
            self.metrics.evidence_failures.inc()
            return None


def review_body(response: AdmissionResponse) -> bytes:
    """The AdmissionReview answer as compact JSON."""
    return json.dumps(response.to_review(), separators=(",", ":")).encode()


class ClientGoneError(Exception):
    """The client disconnected before its whole body arrived: there is no one to answer."""


async def _read_body(scope: Scope, receive: Receive) -> bytes | None:
    """The body, or None once it exceeds the limit (the rest is not read into memory)."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > MAX_REQUEST_BYTES:
            return None
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGoneError
        body += message.get("body", b"")
        if len(body) > MAX_REQUEST_BYTES:
            return None
        if not message.get("more_body", False):
            return bytes(body)


async def _send_review(send: Send, response: AdmissionResponse, status: int) -> None:
    payload = review_body(response)
    headers = [(b"content-length", str(len(payload)).encode()), (b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class Validate:
    """`POST /validate` as a bare ASGI app: Starlette's Request/Response objects and middleware
    cost more per review than the rest of the HTTP path, and this handler needs none of them."""

    def __init__(self, service: WebhookService):
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.monotonic()
        try:
            body = await _read_body(scope, receive)
        except ClientGoneError:
            return
        if body is None:
            error = AdmissionError(f"request body exceeds the {MAX_REQUEST_BYTES}-byte limit")
            status, response = 413, error_response(error)
        else:
            try:
                status, response = 200, await self.service.judge(parse_review(body))
            except AdmissionError as error:
                log.warning("rejected malformed AdmissionReview: %s", error.message)
                status, response = (200 if error.uid else 400), error_response(error)
        self.service.metrics.answered(status, time.monotonic() - started)
        await _send_review(send, response, status)


def create_app(service: WebhookService) -> ASGIApp:
    """POST /validate goes straight to `Validate`; the probes, /metrics, other methods on
    /validate (405) and the lifespan go through Starlette."""
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    metrics = service.metrics
    validate = Validate(service)

    async def healthz(_request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(_request: Request) -> Response:
        return PlainTextResponse(
            "ready" if service.ready else "loading", status_code=200 if service.ready else 503
        )

    async def metrics_text(_request: Request) -> Response:
        return Response(metrics.exposition(), media_type="text/plain; version=0.0.4; charset=utf-8")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await asyncio.get_running_loop().run_in_executor(None, service.start)
        yield
        service.close()

    routes = [
        Route("/validate", validate, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_text, methods=["GET"]),
    ]
    rest = Starlette(routes=routes, lifespan=lifespan)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/validate":
            await validate(scope, receive, send)
        else:
            await rest(scope, receive, send)

    return app


def app_from_environment() -> ASGIApp:
    """The uvicorn factory each worker process calls: configuration comes in `GAVEL_WEBHOOK_CONFIG`."""
    return create_app(WebhookService(WebhookConfig.from_json(os.environ[CONFIG_ENVIRONMENT])))
