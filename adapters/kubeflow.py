"""Kubeflow Pipelines compiled IR as resources: one per pipeline, one per task that runs a container.

`kfp` compiles a pipeline to a PipelineSpec YAML document, followed, when Kubernetes features are
used, by a second document `platforms: kubernetes: deploymentSpec: executors: <executor>: ...`
(node selectors, tolerations, pod labels and annotations, security context). A task's pod is
only known by joining the two: the task names a component, the component an executor, and the
executor its container (image, resources, accelerator) in one document and its Kubernetes
settings in the other. This adapter does that join once, so policies read one task as one
resource (`kfp_task`), resolving accelerator types and counts given as pipeline inputs
(`{{$.inputs.parameters['pipelinechannel--accelerator_type']}}`) to their default values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.errors import InputError, SourceLocation
from ..engine.identities import lineage_job_key
from ..engine.models import Provenance, Resource
from .collected import DocumentResources, FileReading, opener
from .labels import flatten_labels
from .pipeline_links import declared_job, mapping_at, runs_on_links
from .sources import Document

ADAPTER_NAME = "kubeflow"
_PLACEHOLDER = re.compile(r"\{\{\$\.inputs\.parameters\['(?P<name>[^']+)'\]\}\}")
_MAX_RESOLVE_DEPTH = 8


def is_pipeline_spec(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("pipelineInfo"), Mapping)
        and isinstance(value.get("root"), Mapping)
    )


def is_platform_spec(value: Any) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("platforms"), Mapping)


def recognises_pipelines(documents: Sequence[Document]) -> bool:
    return any(is_pipeline_spec(document.value) for document in documents)


@dataclass(frozen=True)
class _Task:
    """A container task found by walking the DAG, with the input scopes its placeholders resolve in."""

    path: str
    spec: Mapping[str, Any]
    executor_label: str
    scopes: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class KubeflowPipelines(DocumentResources):
    """The pipelines of one compiled IR file, joined with their platform specs when constructed."""

    name: str = ADAPTER_NAME

    @classmethod
    def normalise_documents(cls, documents: Sequence[Document], reading: FileReading) -> Iterator[Resource]:
        """Pair each PipelineSpec with the platform spec document that follows it, if any."""
        for index, document in enumerate(documents):
            if is_pipeline_spec(document.value):
                following = documents[index + 1] if index + 1 < len(documents) else None
                platform = following.value if following and is_platform_spec(following.value) else {}
                provenance = reading.provenance(ADAPTER_NAME, document.line)
                yield from _pipeline_resources(document.value, platform, provenance)
            elif not (is_platform_spec(document.value) and _follows_pipeline(documents, index)):
                reading.reject(
                    "document is neither a Kubeflow PipelineSpec nor the platform spec after one",
                    document.line,
                )


open_pipelines = opener(KubeflowPipelines)


def _follows_pipeline(documents: Sequence[Document], index: int) -> bool:
    return index > 0 and is_pipeline_spec(documents[index - 1].value)


def _pipeline_resources(
    spec: Mapping[str, Any], platform: Mapping[str, Any], provenance: Provenance
) -> list[Resource]:
    location = SourceLocation(provenance.source, provenance.line)
    pipeline = spec["pipelineInfo"].get("name")
    if not isinstance(pipeline, str) or not pipeline:
        raise InputError("Kubeflow PipelineSpec has no pipelineInfo.name", location)
    kubernetes = mapping_at(platform, "platforms", "kubernetes", "deploymentSpec", "executors")
    attributes = {**spec, **platform}
    resources = [
        Resource(
            id=f"kubeflow:{pipeline}",
            kind="kfp_pipeline",
            name=pipeline,
            platform="kubeflow",
            attributes=attributes,
            provenance=provenance,
        )
    ]
    defaults = {
        name: definition.get("defaultValue")
        for name, definition in mapping_at(spec, "root", "inputDefinitions", "parameters").items()
        if isinstance(definition, Mapping)
    }
    components = mapping_at(spec, "components")
    executors = mapping_at(spec, "deploymentSpec", "executors")
    for task in _tasks(mapping_at(spec, "root", "dag", "tasks"), components, "", (defaults,), location):
        container = mapping_at(executors, task.executor_label, "container")
        config = mapping_at(kubernetes, task.executor_label)
        resources.append(_task_resource(pipeline, task, container, config, provenance))
    return resources


def _tasks(
    tasks: Mapping[str, Any],
    components: Mapping[str, Any],
    prefix: str,
    scopes: tuple[Mapping[str, Any], ...],
    location: SourceLocation,
) -> Iterator[_Task]:
    """Every task that runs an executor, descending into sub-DAG components (loops, conditions)."""
    for key in sorted(tasks):
        task = tasks[key]
        if not isinstance(task, Mapping):
            raise InputError(f"Kubeflow task {prefix}{key} is not a mapping", location)
        name = str(mapping_at(task, "taskInfo").get("name") or key)
        reference = mapping_at(task, "componentRef").get("name")
        component = components.get(reference) if isinstance(reference, str) else None
        if not isinstance(component, Mapping):
            raise InputError(
                f"Kubeflow task {prefix}{name} refers to undefined component {reference!r}", location
            )
        inputs = mapping_at(task, "inputs", "parameters")
        if isinstance(component.get("executorLabel"), str):
            yield _Task(f"{prefix}{name}", task, component["executorLabel"], (inputs, *scopes))
        sub_tasks = mapping_at(component, "dag", "tasks")
        if sub_tasks:
            yield from _tasks(sub_tasks, components, f"{prefix}{name}/", (inputs, *scopes), location)


def _task_resource(
    pipeline: str,
    task: _Task,
    container: Mapping[str, Any],
    config: Mapping[str, Any],
    provenance: Provenance,
) -> Resource:
    pod_metadata = mapping_at(config, "podMetadata")
    node_selector = dict(mapping_at(config, "nodeSelector", "labels"))
    labels = flatten_labels(pod_metadata.get("labels"))
    job = lineage_job_key(
        declared_job(pod_metadata.get("labels"), pod_metadata.get("annotations")), pipeline, task.path
    )
    attributes = {
        "pipeline": pipeline,
        "task": task.path,
        "executor": task.executor_label,
        "image": container.get("image"),
        "accelerator": _accelerator(mapping_at(container, "resources", "accelerator"), task.scopes),
        "node_selector": node_selector,
        "tolerations": list(config.get("tolerations") or []),
        "security_context": dict(mapping_at(config, "securityContext")),
        "pod_metadata": dict(pod_metadata),
        "spec": task.spec,
        "container": container,
        "kubernetes": config,
    }
    return Resource(
        id=f"kubeflow:{pipeline}/{task.path}",
        kind="kfp_task",
        name=task.path,
        platform="kubeflow",
        attributes=attributes,
        provenance=provenance,
        labels=labels,
        identities=(job,),
        links=runs_on_links(node_selector),
    )


def _accelerator(
    accelerator: Mapping[str, Any], scopes: tuple[Mapping[str, Any], ...]
) -> dict[str, Any] | None:
    """`{type, count}` from either IR spelling (`type`/`count` or `resourceType`/`resourceCount`)."""
    kind = accelerator.get("resourceType") or accelerator.get("type")
    if not kind:
        return None
    count = accelerator.get("resourceCount") or accelerator.get("count") or 1
    resolved_count = _resolve(count, scopes, 0)
    return {
        "type": _resolve(kind, scopes, 0),
        "count": int(resolved_count) if str(resolved_count).isdigit() else resolved_count,
    }


def _resolve(value: Any, scopes: tuple[Mapping[str, Any], ...], depth: int) -> Any:
    """A `{{$.inputs.parameters['x']}}` placeholder followed through task inputs to a constant or
    default; what cannot be resolved (a task output, a missing input) stays as written."""
    match = _PLACEHOLDER.fullmatch(value) if isinstance(value, str) else None
    if match is None or depth > _MAX_RESOLVE_DEPTH or len(scopes) < 2:
        return value
    parameter = scopes[0].get(match["name"])
    if not isinstance(parameter, Mapping):
        return value
    constant = mapping_at(parameter, "runtimeValue").get("constant")
    if constant is not None:
        return _resolve(constant, scopes, depth + 1)
    outer = parameter.get("componentInputParameter")
    if not isinstance(outer, str):
        return value
    if len(scopes) == 2:
        default = scopes[1].get(outer)
        return value if default is None else default
    return _resolve(f"{{{{$.inputs.parameters['{outer}']}}}}", scopes[1:], depth + 1)
