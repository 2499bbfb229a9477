"""KubeflowPipelines over the KFP compiled-IR corpus: tasks joined with their platform specs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gavel.adapters.detect import collect_paths, detect_kind
from gavel.adapters.kubeflow import KubeflowPipelines
from gavel.adapters.sources import SourceText, parse_documents, read_source
from gavel.engine.errors import InputError
from gavel.engine.models import Link, Resource

DATA = Path(__file__).parents[1] / "data" / "adapters"
CORPUS = DATA / "kubeflow-pipelines-ir" / "pipelines"
SNAPSHOTS = CORPUS / "kubernetes_platform/python/test/snapshot/data"
COMPILED = CORPUS / "test_data/sdk_compiled_pipelines/valid"
CRAFTED = DATA / "crafted" / "kfp.finetune-gpu-pool.yaml"
ALL_IR = sorted(CORPUS.rglob("*.yaml"))
COLLECTED_AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def load(path: Path, *, strict: bool = False) -> dict[str, Resource]:
    source = read_source(path)
    pipelines = KubeflowPipelines.from_documents(source, parse_documents(source), COLLECTED_AT, strict=strict)
    return {resource.id: resource for resource in pipelines.collect()}


def from_text(text: str, *, strict: bool = False) -> KubeflowPipelines:
    source = SourceText.from_bytes(text.encode(), "inline.yaml")
    return KubeflowPipelines.from_documents(source, parse_documents(source), COLLECTED_AT, strict=strict)


@pytest.mark.parametrize("path", ALL_IR, ids=lambda p: p.name)
def test_every_corpus_pipeline_yields_a_pipeline_and_its_container_tasks(path: Path) -> None:
    assert detect_kind(path, path.read_text()) == "kubeflow"
    resources = load(path)
    (pipeline,) = [r for r in resources.values() if r.kind == "kfp_pipeline"]
    tasks = [r for r in resources.values() if r.kind == "kfp_task"]
    executors = pipeline.attributes["deploymentSpec"]["executors"]
    assert len(tasks) == len(pipeline.attributes["root"]["dag"]["tasks"]) >= 1
    for task in tasks:
        assert task.id == f"kubeflow:{pipeline.name}/{task.name}"
        assert task.identities == (f"job:{pipeline.name}/{task.name}",)
        assert task.attributes["image"] == executors[task.attributes["executor"]]["container"]["image"]
        first_line = next(
            n for n, line in enumerate(path.read_text().splitlines(), 1) if not line.startswith("#")
        )
        assert task.provenance.line == first_line


def test_the_corpus_has_nine_pipelines() -> None:
    assert len(ALL_IR) == 9


def test_node_selector_from_the_platform_spec_reaches_the_task() -> None:
    task = load(SNAPSHOTS / "node_selector.yaml")["kubeflow:my-pipeline/comp"]
    assert task.attributes["node_selector"] == {"cloud.google.com/gke-accelerator": "nvidia-tesla-p4"}
    assert task.links == ()


def test_tolerations_and_security_context_from_the_platform_spec() -> None:
    toleration = load(SNAPSHOTS / "toleration.yaml")["kubeflow:my-pipeline/comp"]
    assert toleration.attributes["tolerations"] == [
        {
            "effect": "NoExecute",
            "key": "key1",
            "operator": "Equal",
            "tolerationSeconds": "10",
            "value": "value1",
        }
    ]
    secured = load(SNAPSHOTS / "security_context.yaml")["kubeflow:my-pipeline/print-greeting"]
    assert secured.attributes["security_context"] == {"runAsGroup": "0", "runAsUser": "65534"}


def test_accelerator_from_the_container_resources() -> None:
    task = load(COMPILED / "gpu-scheduling/nvidia_gpu_scheduling_check.yaml")[
        "kubeflow:nvidia-gpu-scheduling-check/verify-gpu-scheduled"
    ]
    assert task.attributes["accelerator"] == {"type": "nvidia.com/gpu", "count": 1}


def test_accelerator_given_as_pipeline_input_resolves_to_its_default() -> None:
    task = load(COMPILED / "pipeline_with_string_machine_fields_pipeline_input.yaml")[
        "kubeflow:pipeline/sum-numbers"
    ]
    assert task.attributes["accelerator"] == {"type": "NVIDIA_TESLA_P4", "count": 1}


def test_cpu_only_tasks_have_no_accelerator() -> None:
    resources = load(COMPILED / "critical/two_step_pipeline_containerized.yaml")
    assert {r.attributes.get("accelerator") for r in resources.values() if r.kind == "kfp_task"} == {None}


def test_sub_dag_task_with_declared_job_node_pool_and_instance_links() -> None:
    resources = load(CRAFTED)
    assert sorted(resources) == [
        "kubeflow:finetune-llm",
        "kubeflow:finetune-llm/condition-1/train",
        "kubeflow:finetune-llm/prepare",
    ]
    train = resources["kubeflow:finetune-llm/condition-1/train"]
    assert train.identities == ("job:ml-training/finetune-llm.train",)
    assert train.links == (Link("runs_on", "nodepool:gpu-l4-eu"),)
    assert train.attributes["accelerator"] == {"type": "NVIDIA_L4", "count": 2}
    assert train.labels == {"data-classification": "personal"}
    assert resources["kubeflow:finetune-llm/prepare"].identities == ("job:finetune-llm/prepare",)
    assert resources["kubeflow:finetune-llm"].attributes["platforms"]["kubernetes"]


def test_unresolvable_placeholder_is_kept_as_written() -> None:
    text = CRAFTED.read_text().replace(
        "componentInputParameter: gpu_type", "componentInputParameter: missing"
    )
    train = {r.id: r for r in from_text(text).collect()}["kubeflow:finetune-llm/condition-1/train"]
    assert train.attributes["accelerator"]["type"] == "{{$.inputs.parameters['pipelinechannel--gpu_type']}}"


def test_task_naming_an_undefined_component_is_an_input_error() -> None:
    text = CRAFTED.read_text().replace("name: comp-prepare", "name: comp-missing")
    with pytest.raises(
        InputError, match=r"inline.yaml:5: Kubeflow task prepare refers to undefined component 'comp-missing'"
    ):
        from_text(text)


def test_pipeline_without_a_name_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"inline\.yaml:1: Kubeflow PipelineSpec has no pipelineInfo\.name"):
        from_text("pipelineInfo: {}\nroot: {dag: {tasks: {}}}\n")


def test_stray_document_is_skipped_or_an_error_under_strict() -> None:
    text = CRAFTED.read_text() + "---\nfoo: bar\n"
    pipelines = from_text(text)
    assert [s.reason for s in pipelines.skipped] == [
        "document is neither a Kubeflow PipelineSpec nor the platform spec after one"
    ]
    with pytest.raises(InputError, match="neither a Kubeflow PipelineSpec"):
        from_text(text, strict=True)


def test_collect_paths_hands_pipelines_to_this_adapter() -> None:
    collection = collect_paths([CORPUS], collected_at=COLLECTED_AT)
    assert {r.kind for r in collection.resources} == {"kfp_pipeline", "kfp_task"}
    assert collection.skipped == ()
