"""Namespace labels at admission, read from a loopback Kubernetes API server serving the test
cluster (tests/data/cluster/cluster.yaml labels `ml-serving` personal): cached per TTL, absent
namespaces remembered, refusals raised; and the webhook denying by the namespace's label."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import kube_apiserver as apiserver
import pytest
import yaml

from gavel.adapters.kubernetes_cluster import connect
from gavel.engine.errors import InputError
from gavel.server.namespace_lookup import NamespaceLookup
from gavel.server.tls import generate_tls
from gavel.server.webhook import WebhookConfig, WebhookService
from gavel.server.webhook_runner import WebhookServer

REVIEWS = Path(__file__).parent.parent / "data" / "admission" / "reviews"
NAMESPACE_PATH = "/api/v1/namespaces/ml-serving"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[apiserver.ClusterApiServer, Path]]:
    with apiserver.ClusterApiServer(apiserver.Cluster()) as server:
        yield server, server.write_kubeconfig(tmp_path / "kubeconfig")


def test_namespaces_are_fetched_once_per_ttl_and_absent_ones_remembered(
    cluster: tuple[apiserver.ClusterApiServer, Path],
) -> None:
    server, kubeconfig = cluster
    clock = Clock()
    lookup = NamespaceLookup(connect(kubeconfig, None), ttl=30, clock=clock)

    first = lookup.get("ml-serving")
    assert first is not None
    assert first["metadata"]["labels"]["data-classification"] == "personal"
    assert lookup.get("ml-serving") is first
    assert len(server.requests_for(NAMESPACE_PATH)) == 1
    clock.now += 31
    lookup.get("ml-serving")
    assert len(server.requests_for(NAMESPACE_PATH)) == 2

    assert lookup.get("not-there") is None
    assert lookup.get("not-there") is None
    assert len(server.requests_for("/api/v1/namespaces/not-there")) == 1


def test_a_refused_lookup_raises_naming_the_namespace(
    cluster: tuple[apiserver.ClusterApiServer, Path], tmp_path: Path
) -> None:
    server, _ = cluster
    wrong = server.write_kubeconfig(tmp_path / "wrong-token", token="not-the-token")
    lookup = NamespaceLookup(connect(wrong, None))
    with pytest.raises(InputError, match="cannot read namespace 'ml-serving': 401"):
        lookup.get("ml-serving")


def _validate(tmp_path: Path, config: WebhookConfig, reviews: int = 1) -> list[dict[str, Any]]:
    """POST the GPU Job into `ml-serving` `reviews` times over real TLS; the answers."""
    generate_tls("gavel-webhook", "gavel-system", extra_hosts=["127.0.0.1"]).write(tmp_path / "tls")
    context = ssl.create_default_context(cafile=str(tmp_path / "tls" / "ca.crt"))
    service = WebhookService(config)
    body = (REVIEWS / "admission.gpu-job-ml-serving.json").read_bytes()
    with WebhookServer(service, tmp_path / "tls" / "tls.crt", tmp_path / "tls" / "tls.key") as webhook:
        webhook.wait_ready()
        with httpx.Client(base_url=webhook.url, verify=context, timeout=30) as client:
            return [client.post("/validate", content=body).json()["response"] for _ in range(reviews)]


def test_the_webhook_denies_by_the_label_of_the_namespace_it_looked_up(
    cluster: tuple[apiserver.ClusterApiServer, Path], tmp_path: Path
) -> None:
    server, kubeconfig = cluster
    answers = _validate(tmp_path, WebhookConfig(namespace_lookup="on", kubeconfig=str(kubeconfig)), 3)

    for answer in answers:
        assert answer["allowed"] is False
        assert "[gpu_personal_data_in_eea]" in answer["status"]["message"]
    assert len(server.requests_for(NAMESPACE_PATH)) == 1


def test_an_unreachable_api_server_is_answered_by_the_failure_mode(tmp_path: Path) -> None:
    with apiserver.ClusterApiServer(apiserver.Cluster()) as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
    config = WebhookConfig(namespace_lookup="on", kubeconfig=str(kubeconfig), failure_mode="fail-closed")
    (answer,) = _validate(tmp_path, config)

    assert answer["allowed"] is False
    assert "cannot reach the Kubernetes API server" in answer["status"]["message"]


def test_a_denial_for_where_a_workload_runs_names_the_cheapest_compliant_placement(tmp_path: Path) -> None:
    examples = Path(__file__).parents[2] / "examples"
    job = yaml.safe_load((examples / "ml-platform" / "kubernetes" / "finetune-job.yaml").read_text())
    job["metadata"]["labels"]["data-classification"] = "personal"  # as its namespace would classify it
    review = json.loads((REVIEWS / "admission.gpu-job-ml-serving.json").read_bytes())
    review["request"].update(namespace="ml-training", name=job["metadata"]["name"], object=job)
    service = WebhookService(WebhookConfig(catalog=str(examples / "placement" / "catalog.yaml")))
    generate_tls("gavel-webhook", "gavel-system", extra_hosts=["127.0.0.1"]).write(tmp_path / "tls")
    context = ssl.create_default_context(cafile=str(tmp_path / "tls" / "ca.crt"))
    with WebhookServer(service, tmp_path / "tls" / "tls.crt", tmp_path / "tls" / "tls.key") as hook:
        hook.wait_ready()
        with httpx.Client(base_url=hook.url, verify=context, timeout=60) as client:
            answer = client.post("/validate", content=json.dumps(review).encode()).json()["response"]

    assert answer["allowed"] is False
    message = answer["status"]["message"]
    residency = message[message.index("[gpu_personal_data_in_eea]") :].split("; [")[0]
    assert "; cheapest compliant alternative: gcp-euw4-g2-l4: gcp europe-west4-c" in residency, message
