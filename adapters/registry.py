"""Which input kinds gavel understands: name -> how to recognise it and which adapter opens it.

Detection walks this table in order and takes the first kind that recognises a file, so a new
adapter (OpenLineage events, Argo workflows, cloud inventories) is one more entry here; more
specific kinds go before `kubernetes`, whose test (any object with apiVersion and kind) is broad.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..engine.errors import InputError, SourceLocation, UsageError
from . import airflow, argo, aws_config, gcp_inventory, kubeflow, mlflow, openlineage
from . import azure_inventory as azure
from . import great_expectations as gx
from . import great_expectations_run as gx_run
from .base import Adapter, AdapterFactory
from .collected import opener
from .kubernetes import KubernetesManifests, is_kubernetes_object
from .sources import Document, SourceText
from .terraform import TerraformPlan, is_terraform_plan


@dataclass(frozen=True)
class InputKind:
    """One kind of input: its `--input-kind` name, what to call it in messages, how to spot and open it."""

    name: str
    title: str
    recognises: Callable[[Sequence[Document]], bool]
    open: AdapterFactory


def _recognises_terraform_plan(documents: Sequence[Document]) -> bool:
    return len(documents) == 1 and is_terraform_plan(documents[0].value)


def _open_terraform_plan(
    source: SourceText, documents: Sequence[Document], *, collected_at: datetime, strict: bool
) -> Adapter:
    if len(documents) != 1:
        raise InputError(
            f"a Terraform plan is one JSON document, found {len(documents)}", SourceLocation(source.name)
        )
    return TerraformPlan.from_document(source, documents[0], collected_at)


def _recognises_kubernetes(documents: Sequence[Document]) -> bool:
    return any(is_kubernetes_object(document.value) for document in documents)


INPUT_KINDS: tuple[InputKind, ...] = (
    InputKind("terraform-plan", "Terraform plan", _recognises_terraform_plan, _open_terraform_plan),
    InputKind(
        "openlineage", "OpenLineage event file", openlineage.recognises_events, openlineage.open_events
    ),
    InputKind("gx-result", "Great Expectations validation result", gx.recognises_results, gx.open_results),
    InputKind(
        "gx-validation", "Great Expectations validation config", gx_run.recognises_config, gx_run.open_config
    ),
    InputKind("kubeflow", "Kubeflow pipeline IR", kubeflow.recognises_pipelines, kubeflow.open_pipelines),
    InputKind("argo", "Argo workflow", argo.recognises_workflows, argo.open_workflows),
    InputKind("airflow-export", "Airflow REST API export", airflow.recognises_export, airflow.open_export),
    InputKind("mlflow-registry", "MLflow registry export", mlflow.recognises_export, mlflow.open_export),
    InputKind("aws-config", "AWS Config configuration items", aws_config.recognises, aws_config.open_export),
    InputKind("gcp-assets", "GCP asset inventory", gcp_inventory.recognises, gcp_inventory.open_export),
    InputKind("azure-resource-graph", "Azure Resource Graph answer", azure.recognises, azure.open_export),
    InputKind("kubernetes", "Kubernetes manifest", _recognises_kubernetes, opener(KubernetesManifests)),
)


def input_kind_names() -> tuple[str, ...]:
    """The values `--input-kind` accepts."""
    return tuple(kind.name for kind in INPUT_KINDS)


def find_input_kind(name: str) -> InputKind:
    for kind in INPUT_KINDS:
        if kind.name == name:
            return kind
    raise UsageError(f"unknown input kind {name!r}; expected one of: {', '.join(input_kind_names())}")
