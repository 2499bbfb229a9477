"""KubernetesManifests against every real manifest in the test corpus, Helm output, lists and bad input."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gavel.adapters.kubernetes import KubernetesManifests
from gavel.engine.errors import InputError
from gavel.engine.models import Resource

DATA = Path(__file__).parents[1] / "data" / "adapters"
MANIFESTS = DATA / "kubernetes"
EXAMPLES = MANIFESTS / "kubernetes-examples"
CRAFTED = DATA / "crafted"
COLLECTED_AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
ALL_MANIFESTS = sorted(p for p in MANIFESTS.rglob("*") if p.suffix in {".yaml", ".yml"})


def load(path: Path, *, strict: bool = False) -> KubernetesManifests:
    return KubernetesManifests.from_bytes(path.read_bytes(), str(path), COLLECTED_AT, strict=strict)


def from_text(text: str, name: str = "inline.yaml", *, strict: bool = False) -> KubernetesManifests:
    return KubernetesManifests.from_bytes(text.encode(), name, COLLECTED_AT, strict=strict)


def line_text(path_or_text: Path | str, line: int | None) -> str:
    """The text of a 1-based line, so a test can check what a reported line points at."""
    assert line is not None
    text = path_or_text.read_text() if isinstance(path_or_text, Path) else path_or_text
    return text.splitlines()[line - 1]


def by_id(manifests: KubernetesManifests) -> dict[str, Resource]:
    return {resource.id: resource for resource in manifests.collect()}


def test_the_corpus_has_twenty_eight_manifests() -> None:
    assert len(ALL_MANIFESTS) == 28


@pytest.mark.parametrize("path", ALL_MANIFESTS, ids=lambda path: str(path.relative_to(MANIFESTS)))
def test_every_corpus_manifest_yields_its_objects_with_provenance(path: Path) -> None:
    text = path.read_text()
    manifests = load(path)
    resources = list(manifests.collect())

    assert manifests.skipped == ()
    assert len(resources) == sum(1 for line in text.splitlines() if line.startswith("kind:"))
    for resource in resources:
        assert resource.platform == "kubernetes"
        assert resource.attributes["kind"] == resource.kind
        assert resource.name == resource.attributes["metadata"]["name"]
        namespace = resource.attributes["metadata"].get("namespace")
        assert resource.namespace == namespace
        assert resource.id == f"kubernetes:{namespace or '_'}/{resource.kind}/{resource.name}"
        assert resource.provenance.source_digest == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        start = line_text(text, resource.provenance.line)
        assert not start.startswith((" ", "#", "-")) and ":" in start
        json.dumps(resource.to_document())


def test_vllm_deployment_keeps_gpu_limits_in_attributes() -> None:
    (deployment,) = load(EXAMPLES / "AI/vllm-deployment/vllm-deployment.yaml").collect()
    assert deployment.id == "kubernetes:_/Deployment/vllm-gemma-deployment"
    container = deployment.attributes["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert container["resources"]["requests"]["nvidia.com/gpu"] == "1"


def test_daemonsets_in_the_corpus() -> None:
    daemonsets = {
        resource.id
        for path in ALL_MANIFESTS
        for resource in load(path).collect()
        if resource.kind == "DaemonSet"
    }
    assert daemonsets == {
        "kubernetes:_/DaemonSet/gpu-feature-discovery",
        "kubernetes:kube-system/DaemonSet/nvidia-device-plugin-daemonset",
        "kubernetes:_/DaemonSet/newrelic-agent",
        "kubernetes:_/DaemonSet/sysdig-agent",
    }


def test_device_plugin_daemonset_is_namespaced_and_starts_after_the_license_header() -> None:
    path = MANIFESTS / "k8s-device-plugin/deployments/static/nvidia-device-plugin.yml"
    (daemonset,) = load(path).collect()
    assert daemonset.namespace == "kube-system"
    assert line_text(path, daemonset.provenance.line) == "apiVersion: apps/v1"


def test_guestbook_all_in_one_yields_six_objects_at_their_document_starts() -> None:
    path = EXAMPLES / "web/guestbook/all-in-one/guestbook-all-in-one.yaml"
    resources = list(load(path).collect())
    assert [(r.kind, r.name) for r in resources] == [
        ("Service", "redis-master"),
        ("Deployment", "redis-master"),
        ("Service", "redis-replica"),
        ("Deployment", "redis-replica"),
        ("Service", "frontend"),
        ("Deployment", "frontend"),
    ]
    lines = path.read_text().splitlines()
    document_starts = [1] + [number + 2 for number, line in enumerate(lines) if line == "---"]
    assert [r.provenance.line for r in resources] == document_starts
    assert resources[0].labels == {"app": "redis", "tier": "backend", "role": "master"}


def test_namespaces_are_read_from_metadata() -> None:
    (job,) = load(MANIFESTS / "kubernetes-engine-samples/ai-ml/llm-finetuning-gemma/finetune.yaml").collect()
    assert job.namespace == "default"
    assert job.id == "kubernetes:default/Job/finetune-job"
    (pod,) = load(EXAMPLES / "_archived/podsecuritypolicy/rbac/pod_priv.yaml").collect()
    assert pod.namespace is None
    assert pod.attributes["spec"]["containers"][0]["securityContext"]["privileged"] is True


def test_helm_rendered_output_skips_empty_templates() -> None:
    path = CRAFTED / "helm.vllm-rendered.yaml"
    manifests = load(path)
    resources = by_id(manifests)
    assert sorted(resources) == [
        "kubernetes:inference/Deployment/vllm-gemma-deployment",
        "kubernetes:inference/Service/vllm-service",
    ]
    assert manifests.skipped == ()
    service = resources["kubernetes:inference/Service/vllm-service"]
    assert service.labels["data-classification"] == "internal"
    assert service.provenance.line == 5
    deployment = resources["kubernetes:inference/Deployment/vllm-gemma-deployment"]
    assert deployment.labels["app.kubernetes.io/version"] == "0.11"
    pod_spec = deployment.attributes["spec"]["template"]["spec"]
    assert pod_spec["nodeSelector"] == {"cloud.google.com/gke-accelerator": "nvidia-l4"}


def test_list_items_are_expanded_and_a_scalar_item_is_skipped_at_its_line() -> None:
    path = CRAFTED / "list.guestbook.yaml"
    manifests = load(path)
    resources = list(manifests.collect())
    assert [r.id for r in resources] == [
        "kubernetes:guestbook/Service/redis-master",
        "kubernetes:guestbook/Deployment/frontend",
    ]
    assert [line_text(path, r.provenance.line) for r in resources] == [
        "- apiVersion: v1",
        "- apiVersion: apps/v1",
    ]
    (skipped,) = manifests.skipped
    assert skipped.reason == "document is a string, not a Kubernetes object"
    assert line_text(path, skipped.line) == "- just a string, not an object"
    assert str(skipped) == f"{path}:{skipped.line}: skipped: {skipped.reason}"


def test_list_with_a_scalar_item_is_an_error_under_strict() -> None:
    path = CRAFTED / "list.guestbook.yaml"
    with pytest.raises(InputError, match=rf"^{path}:49: document is a string, not a Kubernetes object$"):
        load(path, strict=True)


def test_json_typed_list_items_get_api_version_and_kind() -> None:
    (pod,) = load(CRAFTED / "podlist.privileged.json").collect()
    assert pod.id == "kubernetes:web/Pod/nginx"
    assert pod.attributes["apiVersion"] == "v1"
    assert pod.attributes["kind"] == "Pod"
    assert pod.labels == {"name": "nginx"}
    assert pod.provenance.line == 1, "items of a JSON list point at the list"


def test_single_json_manifest() -> None:
    manifest = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "training", "labels": {"a": "b"}},
    }
    (namespace,) = from_text(json.dumps(manifest, indent=2), "namespace.json").collect()
    assert namespace.id == "kubernetes:_/Namespace/training"
    assert namespace.labels == {"a": "b"}


def test_yaml_timestamps_stay_strings_so_objects_remain_json() -> None:
    (config,) = from_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: run\n  annotations:\n    started: 2024-05-01\n"
    ).collect()
    assert config.attributes["metadata"]["annotations"]["started"] == "2024-05-01"


def test_generate_name_is_used_when_there_is_no_name() -> None:
    (job,) = from_text("apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: train-\n").collect()
    assert job.id == "kubernetes:_/Job/train-"


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ("- a\n- b\n", "document is a list, not a Kubernetes object", 1),
        ("---\nname: x\nreplicas: 3\n", "document has no apiVersion and no kind; not a Kubernetes object", 2),
        ("kind: Pod\nmetadata:\n  name: p\n", "document has no apiVersion; not a Kubernetes object", 1),
        (
            "apiVersion: v1\nkind: Pod\nspec: {}\n",
            "Pod has neither metadata.name nor metadata.generateName",
            1,
        ),
        (
            "apiVersion: v1\nkind: Pod\n---\n42\n",
            "Pod has neither metadata.name nor metadata.generateName",
            1,
        ),
    ],
)
def test_documents_that_are_not_objects_are_skipped_or_strict_errors(
    text: str, reason: str, line: int
) -> None:
    manifests = from_text(text, "odd.yaml")
    assert manifests.skipped[0].reason == reason
    assert manifests.skipped[0].line == line
    assert list(manifests.collect()) == []
    with pytest.raises(InputError, match=f"^odd.yaml:{line}: "):
        from_text(text, "odd.yaml", strict=True)


def test_malformed_yaml_names_file_line_and_column() -> None:
    text = (EXAMPLES / "AI/vllm-deployment/vllm-service.yaml").read_text()
    broken = text.replace("  type: ClusterIP", "  type: ClusterIP: internal")
    with pytest.raises(InputError) as raised:
        from_text(broken, "vllm-service.yaml")
    assert str(raised.value).startswith(
        "vllm-service.yaml:8:18: invalid YAML: mapping values are not allowed"
    )


def test_unclosed_flow_sequence_is_malformed() -> None:
    with pytest.raises(InputError, match=r"^bad.yaml:3:1: invalid YAML: .*expected ',' or '\]'"):
        from_text("apiVersion: v1\nargs: [a, b\n", "bad.yaml")
