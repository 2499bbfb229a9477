"""ArgoWorkflows over the Argo examples corpus: workflow objects, one resource per pod template."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gavel.adapters.argo import ArgoWorkflows
from gavel.adapters.detect import collect_paths, detect_kind
from gavel.adapters.kubernetes import KubernetesManifests
from gavel.adapters.sources import SourceText, parse_documents, read_source
from gavel.engine.errors import InputError
from gavel.engine.models import Link, Resource

DATA = Path(__file__).parents[1] / "data" / "adapters"
EXAMPLES = DATA / "argo-workflows" / "argo-workflows"
CRAFTED = DATA / "crafted" / "argo.train-gpu-template.yaml"
ALL_EXAMPLES = sorted(EXAMPLES.glob("*.yaml"))
COLLECTED_AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def load(path: Path) -> dict[str, Resource]:
    source = read_source(path)
    return {
        r.id: r for r in ArgoWorkflows.from_documents(source, parse_documents(source), COLLECTED_AT).collect()
    }


def from_text(text: str, *, strict: bool = False) -> ArgoWorkflows:
    source = SourceText.from_bytes(text.encode(), "inline.yaml")
    return ArgoWorkflows.from_documents(source, parse_documents(source), COLLECTED_AT, strict=strict)


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=lambda p: p.name)
def test_every_example_is_the_kubernetes_object_plus_its_pod_templates(path: Path) -> None:
    assert detect_kind(path, path.read_text()) == "argo"
    resources = load(path)
    source = read_source(path)
    (as_kubernetes,) = KubernetesManifests.from_documents(
        source, parse_documents(source), COLLECTED_AT
    ).collect()
    workflow = resources[as_kubernetes.id]
    assert (workflow.kind, workflow.attributes) == (as_kubernetes.kind, as_kubernetes.attributes)
    templates = (
        as_kubernetes.attributes["spec"].get("templates")
        or as_kubernetes.attributes["spec"]["workflowSpec"]["templates"]
    )
    pods = [t["name"] for t in templates if "container" in t or "script" in t]
    assert sorted(
        r.attributes["template"]["name"] for r in resources.values() if r.kind == "argo_template"
    ) == sorted(pods)


def test_the_corpus_has_ten_examples() -> None:
    assert len(ALL_EXAMPLES) == 10


def test_dag_template_is_not_a_pod_but_its_container_template_is() -> None:
    resources = load(EXAMPLES / "dag-diamond.yaml")
    (echo,) = [r for r in resources.values() if r.kind == "argo_template"]
    assert echo.id == "argo:_/Workflow/dag-diamond/echo"
    assert echo.identities == ("job:dag-diamond/echo",)
    assert echo.attributes["containers"] == [
        {
            "field": "container",
            "container": {
                "name": "main",
                "image": "busybox",
                "command": ["echo", "{{inputs.parameters.message}}"],
            },
        }
    ]
    assert echo.attributes["service_account_name"] is None


def test_cron_workflow_templates_come_from_its_workflow_spec() -> None:
    resources = load(EXAMPLES / "cron-workflow.yaml")
    assert "argo:_/CronWorkflow/hello-world/hello-world-with-time" in resources


def test_template_node_selector_placeholder_is_no_node_pool() -> None:
    (template,) = [r for r in load(EXAMPLES / "node-selector.yaml").values() if r.kind == "argo_template"]
    assert template.attributes["node_selector"] == {"beta.kubernetes.io/arch": "{{inputs.parameters.arch}}"}
    assert template.links == ()


def test_s3_output_artifact_is_a_write_to_its_bucket_and_gcs_input_a_read() -> None:
    (writer,) = [r for r in load(EXAMPLES / "output-artifact-s3.yaml").values() if r.kind == "argo_template"]
    assert writer.links == (Link("writes", "storage:s3://my-bucket"),)
    (reader,) = [r for r in load(EXAMPLES / "input-artifact-gcs.yaml").values() if r.kind == "argo_template"]
    assert reader.links == (Link("reads", "storage:gs://my-bucket-name"),)


def test_workflow_spec_defaults_and_template_overrides_are_resolved() -> None:
    resources = load(CRAFTED)
    train = resources["argo:ml/WorkflowTemplate/train-gpu/train"]
    assert train.attributes["service_account_name"] == "trainer"
    assert train.attributes["pod_security_context"] == {"runAsNonRoot": True, "runAsUser": 1000}
    assert train.attributes["node_selector"] == {
        "topology.kubernetes.io/region": "europe-west4",
        "cloud.google.com/gke-nodepool": "gpu-l4-eu",
        "node.kubernetes.io/instance-type": "g2-standard-24",
    }
    assert [c["field"] for c in train.attributes["containers"]] == ["container", "sidecars"]
    assert train.identities == ("job:ml-training/train-gpu.train",)
    assert train.links == (
        Link("runs_on", "nodepool:gpu-l4-eu"),
        Link("runs_on", "instance-type:g2-standard-24"),
        Link("reads", "storage:s3://ml-lake"),
    )
    assert train.labels == {"data-classification": "personal"}
    assert train.namespace == "ml"


def test_workflow_annotation_names_the_workflow_job_not_its_templates() -> None:
    resources = load(CRAFTED)
    assert resources["kubernetes:ml/WorkflowTemplate/train-gpu"].identities == ("job:ml-training/train-gpu",)
    assert resources["argo:ml/WorkflowTemplate/train-gpu/fetch"].identities == ("job:train-gpu/fetch",)
    assert "argo:ml/WorkflowTemplate/train-gpu/pipeline" not in resources


def test_other_kubernetes_objects_in_the_file_are_kept() -> None:
    assert load(CRAFTED)["kubernetes:ml/ConfigMap/trainer-config"].kind == "ConfigMap"


def test_workflow_without_a_name_is_an_input_error() -> None:
    with pytest.raises(
        InputError, match=r"inline\.yaml:1: Workflow has neither metadata\.name nor metadata\.generateName"
    ):
        from_text("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {}\nspec: {}\n")


def test_non_object_documents_beside_a_workflow_follow_the_kubernetes_rules() -> None:
    text = CRAFTED.read_text() + "---\n- not an object\n"
    assert [s.reason for s in from_text(text).skipped] == ["document is a list, not a Kubernetes object"]
    with pytest.raises(InputError, match="not a Kubernetes object"):
        from_text(text, strict=True)


def test_collect_paths_hands_workflows_to_this_adapter() -> None:
    collection = collect_paths([EXAMPLES, CRAFTED], collected_at=COLLECTED_AT)
    kinds = {r.kind for r in collection.resources}
    assert kinds == {"Workflow", "CronWorkflow", "WorkflowTemplate", "ConfigMap", "argo_template"}
    assert {r.provenance.adapter for r in collection.resources if r.kind != "ConfigMap"} == {"argo"}
