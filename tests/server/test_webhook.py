"""The webhook over real TLS on loopback: a client that trusts only the generated CA, a real
SQLite evidence store, real regorus; answers, errors, deadlines, probes and metrics."""

from __future__ import annotations

import base64
import hashlib
import json
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from gavel.engine.admission import MAX_REQUEST_BYTES, parse_review
from gavel.evidence.keys import load_trusted_keys
from gavel.evidence.store import EvidenceStore
from gavel.evidence.store_verify import verify_store
from gavel.server.tls import generate_tls
from gavel.server.webhook import WebhookConfig, WebhookService, kubernetes_resource
from gavel.server.webhook_runner import WebhookServer

ADMISSION = Path(__file__).parent.parent / "data" / "admission"


def saved(name: str) -> bytes:
    return (ADMISSION / "reviews" / f"admission.{name}.json").read_bytes()


@dataclass
class Running:
    server: WebhookServer
    client: httpx.Client
    evidence_url: str
    keys_dir: Path


@pytest.fixture(scope="module")
def tls_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tls")
    generate_tls("gavel-webhook", "gavel-system", extra_hosts=["127.0.0.1"]).write(folder)
    return folder


@contextmanager
def _serve(tmp: Path, tls_dir: Path, **config: object) -> Iterator[Running]:
    evidence_url = f"sqlite:///{tmp / 'evidence.db'}"
    settings = WebhookConfig(evidence_url=evidence_url, keys_dir=str(tmp / "keys"), **config)  # type: ignore[arg-type]
    server = WebhookServer(WebhookService(settings), tls_dir / "tls.crt", tls_dir / "tls.key")
    context = ssl.create_default_context(cafile=str(tls_dir / "ca.crt"))
    with server, httpx.Client(base_url=server.url, verify=context, timeout=20) as client:
        server.wait_ready()
        yield Running(server, client, evidence_url, tmp / "keys")


@pytest.fixture(scope="module")
def webhook(tmp_path_factory: pytest.TempPathFactory, tls_dir: Path) -> Iterator[Running]:
    tmp = tmp_path_factory.mktemp("webhook")
    with _serve(tmp, tls_dir, policies=(str(ADMISSION / "policies"),)) as running:
        yield running


def test_a_privileged_pod_is_denied_and_the_decision_is_signed_evidence(webhook: Running) -> None:
    reply = webhook.client.post("/validate", content=saved("privileged-pod"))
    assert reply.status_code == 200
    review = reply.json()
    assert review["apiVersion"] == "admission.k8s.io/v1" and review["kind"] == "AdmissionReview"
    response = review["response"]
    assert response["uid"] == json.loads(saved("privileged-pod"))["request"]["uid"]
    assert response["allowed"] is False
    assert "[no_privileged_containers]" in response["status"]["message"]
    index = int(response["auditAnnotations"]["evidence-index"])
    with EvidenceStore.open(webhook.evidence_url) as store:
        report = verify_store(store, load_trusted_keys(webhook.keys_dir), full=True).report
        with store.snapshot() as connection:
            entry = next(row for row in store.entry_rows(connection) if row.idx == index)
    assert report.size > index
    assert entry.decision == "deny"
    assert f"sha256:{entry.envelope_sha256}" == response["auditAnnotations"]["evidence-digest"]
    payload = json.loads(base64.b64decode(json.loads(entry.envelope)["payload"]))
    context = payload["predicate"]["context"]
    assert context["admission"]["operation"] == "CREATE"
    assert context["enforcement"]["no_privileged_containers"] == "deny"


def test_compliant_and_unevaluated_requests_are_allowed_and_recorded(webhook: Running) -> None:
    for name in ["gpu-job", "pod-exec-connect", "gpu-job-dry-run"]:
        response = webhook.client.post("/validate", content=saved(name)).json()["response"]
        assert response["allowed"] is True, name
        assert "evidence-index" in response["auditAnnotations"], name
    metrics = webhook.client.get("/metrics").text
    assert 'gavel_webhook_decisions_total{dry_run="true",outcome="allow"} 1.0' in metrics
    assert 'gavel_webhook_decisions_total{dry_run="false",outcome="skip"} 1.0' in metrics
    assert "gavel_webhook_evidence_queue_depth 0.0" in metrics
    assert "gavel_webhook_request_seconds_bucket" in metrics


def test_an_admitted_object_carries_the_digest_of_the_review_it_came_in() -> None:
    body = saved("privileged-pod")
    request = parse_review(body)
    assert request.object is not None
    resource = kubernetes_resource(request.object, "default", datetime.now(UTC), digest=request.body_digest)
    assert resource.provenance.source_digest == "sha256:" + hashlib.sha256(body).hexdigest()
    assert resource.provenance.source == "admission-review"


def test_probes(webhook: Running) -> None:
    assert webhook.client.get("/healthz").text == "ok"
    ready = webhook.client.get("/readyz")
    assert (ready.status_code, ready.text) == (200, "ready")


def _error(reply: httpx.Response) -> dict[str, object]:
    review = reply.json()
    assert review["kind"] == "AdmissionReview"
    response: dict[str, object] = review["response"]
    assert response["allowed"] is False
    return response


def test_malformed_requests_get_well_formed_errors(webhook: Running) -> None:
    garbage = webhook.client.post("/validate", content=b'{"apiVersion": ')
    assert garbage.status_code == 400
    assert garbage.headers["content-type"] == "application/json"
    assert int(garbage.headers["content-length"]) == len(garbage.content)
    assert "body is not JSON" in str(_error(garbage)["status"])

    document = json.loads(saved("gpu-job"))
    document["apiVersion"] = "admission.k8s.io/v1beta1"
    wrong_version = webhook.client.post("/validate", json=document)
    assert wrong_version.status_code == 200
    assert wrong_version.json()["apiVersion"] == "admission.k8s.io/v1beta1"
    assert _error(wrong_version)["uid"] == document["request"]["uid"]

    del document["request"]["uid"]
    document["apiVersion"] = "admission.k8s.io/v1"
    no_uid = webhook.client.post("/validate", json=document)
    assert no_uid.status_code == 400
    assert "request.uid is missing" in str(_error(no_uid)["status"])

    oversized = webhook.client.post("/validate", content=b"{" + b" " * MAX_REQUEST_BYTES + b"}")
    assert oversized.status_code == 413
    assert "exceeds the 3145728-byte limit" in str(_error(oversized)["status"])

    assert webhook.client.get("/validate").status_code == 405
    assert webhook.client.get("/healthz").text == "ok"
    metrics = webhook.client.get("/metrics").text
    assert 'gavel_webhook_requests_total{code="400"} 2.0' in metrics
    assert 'gavel_webhook_requests_total{code="413"} 1.0' in metrics


def test_the_server_refuses_clients_that_do_not_trust_its_ca(webhook: Running) -> None:
    stranger = httpx.Client(verify=ssl.create_default_context(), timeout=10)
    with stranger, pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        stranger.get(f"{webhook.server.url}/healthz")
    plain = httpx.Client(timeout=10)
    with plain, pytest.raises(httpx.HTTPError):
        plain.get(webhook.server.url.replace("https://", "http://") + "/healthz")


def test_a_request_past_its_deadline_is_answered_by_the_failure_mode(tmp_path: Path, tls_dir: Path) -> None:
    for mode, allowed in [("fail-closed", False), ("fail-open", True)]:
        folder = tmp_path / mode
        folder.mkdir()
        slow = (str(ADMISSION / "slow"),)
        with _serve(folder, tls_dir, policies=slow, deadline_seconds=0.2, failure_mode=mode) as webhook:
            response = webhook.client.post("/validate", content=saved("gpu-job")).json()["response"]
            metrics = webhook.client.get("/metrics").text
        assert response["allowed"] is allowed
        text = json.dumps(response)
        assert f"evaluation did not finish within the 0.2 s deadline ({mode})" in text
        assert "evidence-index" in response["auditAnnotations"]
        assert "gavel_webhook_evaluation_errors_total 1.0" in metrics
