"""The live-cluster adapter against a real Kubernetes-API HTTP server on 127.0.0.1 whose objects
are the real manifests of tests/data/adapters/kubernetes/ (see tests/data/cluster/)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import kube_apiserver as apiserver
import pytest
import yaml

from gavel.adapters.kubernetes_cluster import (
    DEFAULT_KINDS,
    LAST_APPLIED,
    KubernetesCluster,
    connect,
    wanted_kinds,
)
from gavel.engine.errors import InputError
from gavel.engine.models import Resource

WORKLOAD_KINDS = wanted_kinds(
    ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "Ingress"]
)


@pytest.fixture
def server() -> Iterator[Any]:
    with apiserver.ClusterApiServer(apiserver.Cluster()) as running:
        yield running


@pytest.fixture(autouse=True)
def no_ambient_kubeconfig(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def collect(
    server: Any, tmp_path: Path, now: datetime, kinds: tuple[str, ...] = WORKLOAD_KINDS, **options: Any
) -> tuple[KubernetesCluster, dict[str, Resource]]:
    connection = connect(server.write_kubeconfig(tmp_path / "kubeconfig"), None)
    adapter = KubernetesCluster(connection, kinds, now, **options)
    return adapter, {resource.id: resource for resource in adapter.collect()}


def test_objects_are_normalised_like_manifests_with_server_bookkeeping_dropped(
    server: Any, tmp_path: Path, now: datetime
) -> None:
    _, resources = collect(server, tmp_path, now)
    vllm = resources["kubernetes:ml-serving/Deployment/vllm-gemma-deployment"]
    assert (vllm.kind, vllm.name, vllm.namespace, vllm.platform) == (
        "Deployment",
        "vllm-gemma-deployment",
        "ml-serving",
        "kubernetes",
    )
    assert vllm.attributes["apiVersion"] == "apps/v1"
    assert vllm.attributes["spec"]["template"]["spec"]["containers"][0]["image"] == "vllm/vllm-openai:v0.11.0"
    metadata = vllm.attributes["metadata"]
    assert "managedFields" not in metadata
    assert LAST_APPLIED not in metadata.get("annotations", {})
    stored = next(
        o for o in server.cluster.objects["Deployment"] if o["metadata"]["name"] == "vllm-gemma-deployment"
    )
    assert metadata["resourceVersion"] == stored["metadata"]["resourceVersion"]
    assert metadata["uid"] == stored["metadata"]["uid"]
    assert resources["kubernetes:_/Namespace/ml-serving"].labels["data-classification"] == "personal"


def test_provenance_names_the_cluster_object_and_digests_its_canonical_json(
    server: Any, tmp_path: Path, now: datetime
) -> None:
    _, resources = collect(server, tmp_path, now)
    job = resources["kubernetes:gpu-training/Job/quantize"]
    assert job.provenance.adapter == "kubernetes-cluster"
    assert job.provenance.source == "cluster://gavel-audit/batch/v1/Job/gpu-training/quantize"
    assert job.provenance.collected_at == now
    assert job.provenance.line is None
    canonical = json.dumps(job.attributes, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert job.provenance.source_digest == "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    namespace = resources["kubernetes:_/Namespace/gpu-training"]
    assert namespace.provenance.source == "cluster://gavel-audit/v1/Namespace/gpu-training"


def test_pages_are_followed_with_continue_until_the_last(server: Any, tmp_path: Path, now: datetime) -> None:
    _, resources = collect(server, tmp_path, now, page_size=3)
    deployments = server.requests_for("/apis/apps/v1/deployments")
    assert [q["limit"] for q in deployments] == ["3", "3", "3"]
    assert "continue" not in deployments[0]
    assert all(q["continue"] for q in deployments[1:])
    stored = {o["metadata"]["name"] for o in server.cluster.objects["Deployment"]}
    assert len(stored) == 8
    assert {r.name for r in resources.values() if r.kind == "Deployment"} == stored


def test_replicas_made_by_a_collected_controller_are_judged_through_it(
    server: Any, tmp_path: Path, now: datetime
) -> None:
    adapter, resources = collect(server, tmp_path, now)
    assert not [r for r in resources.values() if r.attributes["metadata"].get("ownerReferences")]
    assert "kubernetes:web/Pod/nginx" in resources
    assert resources["kubernetes:web/Pod/nginx"].attributes["spec"]["containers"][0]["securityContext"] == {
        "privileged": True
    }
    owned = sum(
        1
        for kind in ("Pod", "ReplicaSet")
        for o in server.cluster.objects[kind]
        if o["metadata"].get("ownerReferences")
    )
    assert adapter.judged_through_controller == owned == 8 + 8 + 4


def test_a_forbidden_kind_is_reported_and_the_rest_collected(tmp_path: Path, now: datetime) -> None:
    with apiserver.ClusterApiServer(apiserver.Cluster(), forbidden=frozenset({"daemonsets"})) as server:
        adapter, resources = collect(server, tmp_path, now)
    denied = [s for s in adapter.skipped if s.source == "cluster://gavel-audit/apps/v1/DaemonSet"]
    assert len(denied) == 1
    assert denied[0].reason.startswith("403 Forbidden: daemonsets.apps is forbidden")
    assert "DaemonSet" not in adapter.listed
    assert "kubernetes:ml-serving/Deployment/vllm-gemma-deployment" in resources
    # Without their DaemonSet, the agent pods are the only view of those workloads: judged.
    assert "kubernetes:monitoring/Pod/sysdig-agent-31f94" in resources
    assert adapter.describe()["not_listed"][-1].startswith(
        "cluster://gavel-audit/apps/v1/DaemonSet: skipped: 403"
    )


def test_an_unavailable_aggregated_api_is_reported_not_fatal(
    server: Any, tmp_path: Path, now: datetime
) -> None:
    adapter, resources = collect(server, tmp_path, now)
    assert [str(s) for s in adapter.skipped] == [
        "cluster://gavel-audit/metrics.k8s.io/v1beta1: skipped: discovery: 503 Service Unavailable: "
        "the server is currently unable to handle the request"
    ]
    assert resources


def test_nothing_listable_is_an_input_error(tmp_path: Path, now: datetime) -> None:
    forbidden = frozenset(plural for _, plural, *_ in apiserver.SERVED)
    with (
        apiserver.ClusterApiServer(apiserver.Cluster(), forbidden=forbidden) as server,
        pytest.raises(InputError) as caught,
    ):
        collect(server, tmp_path, now)
    assert caught.value.exit_code == 4
    assert "could be listed" in caught.value.one_line()
    assert "namespaces is forbidden" in caught.value.one_line()


def test_namespaces_restrict_every_request(server: Any, tmp_path: Path, now: datetime) -> None:
    _, resources = collect(server, tmp_path, now, namespaces=("ml-serving",))
    assert {r.namespace for r in resources.values() if r.kind != "Namespace"} == {"ml-serving"}
    assert [r.name for r in resources.values() if r.kind == "Namespace"] == ["ml-serving"]
    paths = {path for path, _ in server.requests}
    assert "/apis/apps/v1/namespaces/ml-serving/deployments" in paths
    assert "/api/v1/namespaces/ml-serving" in paths
    assert not {"/apis/apps/v1/deployments", "/api/v1/namespaces", "/api/v1/pods"} & paths


def test_the_context_is_chosen_and_names_the_sources(server: Any, tmp_path: Path, now: datetime) -> None:
    kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
    document = yaml.safe_load(kubeconfig.read_text())
    document["contexts"].append(
        {"name": "arn:aws:eks:eu-west-1:1:cluster/prod", "context": document["contexts"][0]["context"]}
    )
    document["current-context"] = "missing-from-this-list"
    kubeconfig.write_text(yaml.safe_dump(document))
    connection = connect(kubeconfig, "arn:aws:eks:eu-west-1:1:cluster/prod")
    resources = list(KubernetesCluster(connection, ("Namespace",), now).collect())
    assert (
        resources[0].provenance.source
        == "cluster://arn:aws:eks:eu-west-1:1:cluster%2Fprod/v1/Namespace/default"
    )


def test_kubeconfig_comes_from_the_environment_when_not_named(
    server: Any, tmp_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBECONFIG", str(server.write_kubeconfig(tmp_path / "from-env")))
    assert connect(None, None).server == server.url


def test_the_token_of_the_kubeconfig_is_sent(server: Any, tmp_path: Path, now: datetime) -> None:
    connection = connect(server.write_kubeconfig(tmp_path / "kubeconfig", token="stale-token"), None)
    with pytest.raises(InputError) as caught:
        list(KubernetesCluster(connection, WORKLOAD_KINDS, now).collect())
    assert caught.value.exit_code == 4
    assert "refused discovery (/apis): 401 Unauthorized" in caught.value.one_line()


def test_an_unreachable_server_is_one_input_error(tmp_path: Path, now: datetime) -> None:
    with apiserver.ClusterApiServer(apiserver.Cluster()) as stopped:
        kubeconfig = stopped.write_kubeconfig(tmp_path / "kubeconfig")
        url = stopped.url
    with pytest.raises(InputError) as caught:
        list(KubernetesCluster(connect(kubeconfig, None), WORKLOAD_KINDS, now).collect())
    message = caught.value.one_line()
    assert message.startswith(f"{url}: cannot reach the Kubernetes API server: ")
    assert "refused" in message
    assert "\n" not in message


def test_missing_kubeconfigs_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(InputError) as named:
        connect(tmp_path / "nope.yaml", None)
    assert named.value.one_line() == f"{tmp_path / 'nope.yaml'}: kubeconfig file does not exist"
    with pytest.raises(InputError) as none_found:
        connect(None, None)
    assert "no kubeconfig: " in none_found.value.one_line()
    assert "--kubeconfig" in none_found.value.one_line()


def test_an_unknown_context_is_an_input_error(server: Any, tmp_path: Path) -> None:
    kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
    with pytest.raises(InputError) as caught:
        connect(kubeconfig, "staging")
    assert caught.value.one_line().startswith(f"{kubeconfig}: cannot load Kubernetes credentials: ")
    assert "staging" in caught.value.one_line()


def test_wanted_kinds_start_with_namespaces_and_expand_the_wildcard() -> None:
    assert wanted_kinds(["Ingress", "aws_s3_bucket"]) == ("Namespace", "Ingress", "aws_s3_bucket")
    expanded = wanted_kinds(["*", "RayCluster"])
    assert expanded[0] == "Namespace"
    assert set(expanded) == {"Namespace", "RayCluster", *DEFAULT_KINDS}
    assert "ConfigMap" not in expanded


def test_tls_to_a_plain_http_server_is_one_input_error(server: Any, tmp_path: Path, now: datetime) -> None:
    kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
    document = yaml.safe_load(kubeconfig.read_text())
    document["clusters"][0]["cluster"].update(
        {"server": server.url.replace("http://", "https://"), "insecure-skip-tls-verify": True}
    )
    kubeconfig.write_text(yaml.safe_dump(document))
    with pytest.raises(InputError) as caught:
        list(KubernetesCluster(connect(kubeconfig, None), ("Namespace",), now).collect())
    message = caught.value.one_line()
    assert message.startswith(
        f"{server.url.replace('http://', 'https://')}: cannot reach the Kubernetes API server: "
    )
    assert "\n" not in message
