"""An MLflow model registry as resources: registered models, their versions and training runs.

Input is a registry export (`mlflow_export.export_mlflow`, or the same document saved as JSON:
`{"format": "gavel.mlflow-registry-export/1", "registered_models": [...], "model_versions": [...],
"runs": [...]}`, each object in the REST API's shape). Live use:

    from gavel.adapters.mlflow import collect_mlflow
    resources = list(collect_mlflow("http://mlflow.internal:5000").collect())

Resources and how they join the estate graph (engine/identities.py):

- `mlflow_registered_model` (`model:<name>`): the REST object; labels are its tags.
- `mlflow_model_version` (`model-version:<name>/<version>`): the REST object plus `aliases` (from
  the registered model's alias table), `registered_model`, the training `run` (or null when the
  run is unknown), its `training_datasets` (name, digest, source URI, context) and `registry`
  (`tracking_uri`, `exported_at`: the time the registry was read, which date-based policies
  measure against). Labels are the model's tags overlaid with the version's (validation_status,
  validation_date, intended_use, ...). Links `trained_on` the run (`run:<id>`) and each training
  dataset (`dataset:<scheme>://<authority>/<path>`) and the storage holding it (`storage:...`).
- `mlflow_run` (`run:<id>`): the REST run; links `reads` its input datasets and their storage.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ..engine.errors import InputError, SourceLocation
from ..engine.identities import dataset_key, model_key, model_version_key, run_key, storage_key
from ..engine.models import Link, Provenance, Resource
from .base import Adapter
from .collected import CollectedResources, export_digest, is_export, sole_export
from .labels import flatten_labels
from .mlflow_export import EXPORT_FORMAT, export_mlflow
from .sources import Document, SourceText

ADAPTER_NAME = "mlflow"
_URI_KEYS = ("uri", "url", "path")


def recognises_export(documents: Sequence[Document]) -> bool:
    return is_export(documents, EXPORT_FORMAT)


def open_export(
    source: SourceText, documents: Sequence[Document], *, collected_at: datetime, strict: bool
) -> Adapter:
    export = sole_export(source, documents, "an MLflow registry export")
    return MlflowRegistry.from_export(export, source.name, source.digest, collected_at)


def collect_mlflow(tracking_uri: str, *, collected_at: datetime | None = None) -> MlflowRegistry:
    """Read a live registry (tracking server URL or database URI) into resources."""
    at = collected_at or datetime.now(UTC)
    export = export_mlflow(tracking_uri, exported_at=at)
    return MlflowRegistry.from_export(export, tracking_uri, export_digest(export), at)


@dataclass(frozen=True)
class MlflowRegistry(CollectedResources):
    """The resources of one registry export, normalised when constructed."""

    name: str = ADAPTER_NAME

    @classmethod
    def from_export(
        cls, export: Mapping[str, Any], source: str, digest: str, collected_at: datetime
    ) -> MlflowRegistry:
        location = SourceLocation(source)
        models = _objects(export, "registered_models", "name", location)
        versions = _objects(export, "model_versions", "name", location)
        runs = {str(_run_id(run)): run for run in _objects(export, "runs", "info", location)}
        provenance = Provenance(ADAPTER_NAME, source, digest, collected_at)
        registry = {"tracking_uri": export.get("tracking_uri"), "exported_at": export.get("exported_at")}
        by_name = {str(model["name"]): model for model in models}
        resources = [_model_resource(model, provenance) for model in models]
        for version in versions:
            model = by_name.get(str(version["name"]), {"name": version["name"]})
            run = runs.get(str(version.get("run_id") or ""))
            resources.append(_version_resource(version, model, run, registry, provenance))
        resources.extend(_run_resource(run_id, run, provenance) for run_id, run in sorted(runs.items()))
        return cls(source=source, resources=tuple(resources))


def _objects(export: Mapping[str, Any], key: str, required: str, location: SourceLocation) -> list[Any]:
    items = export.get(key, [])
    if not isinstance(items, list):
        raise InputError(f"MLflow registry export: {key!r} is not a list", location)
    for index, item in enumerate(items):
        if not (isinstance(item, Mapping) and item.get(required)):
            raise InputError(f"MLflow registry export: {key}[{index}] has no {required!r}", location)
    return items


def _model_resource(model: Mapping[str, Any], provenance: Provenance) -> Resource:
    name = str(model["name"])
    return Resource(
        id=f"mlflow:model/{name}",
        kind="mlflow_registered_model",
        name=name,
        platform="mlflow",
        attributes=model,
        provenance=provenance,
        labels=flatten_labels(model.get("tags")),
        identities=(model_key(name),),
    )


def _version_resource(
    version: Mapping[str, Any],
    model: Mapping[str, Any],
    run: Mapping[str, Any] | None,
    registry: Mapping[str, Any],
    provenance: Provenance,
) -> Resource:
    name, number = str(version["name"]), str(version.get("version"))
    aliases = sorted(
        {str(a["alias"]) for a in model.get("aliases") or [] if str(a.get("version")) == number}
        | {str(alias) for alias in version.get("aliases") or []}
    )
    datasets = _training_datasets(run)
    links = [Link("trained_on", run_key(_run_id(run)))] if run else []
    if not run and version.get("run_id"):
        links.append(Link("trained_on", run_key(str(version["run_id"]))))
    links.extend(Link("trained_on", key) for dataset in datasets for key in _dataset_keys(dataset["uri"]))
    attributes = {
        **version,
        "aliases": aliases,
        "registered_model": {key: model.get(key) for key in ("name", "description", "tags")},
        "run": run,
        "training_datasets": datasets,
        "registry": dict(registry),
    }
    return Resource(
        id=f"mlflow:model/{name}/{number}",
        kind="mlflow_model_version",
        name=f"{name}/{number}",
        platform="mlflow",
        attributes=attributes,
        provenance=provenance,
        labels=flatten_labels(model.get("tags"), version.get("tags")),
        identities=(model_version_key(name, number),),
        links=tuple(dict.fromkeys(links)),
    )


def _run_resource(run_id: str, run: Mapping[str, Any], provenance: Provenance) -> Resource:
    tags = [
        t for t in (run.get("data") or {}).get("tags") or [] if not str(t.get("key")).startswith("mlflow.")
    ]
    links = [
        Link("reads", key) for dataset in _training_datasets(run) for key in _dataset_keys(dataset["uri"])
    ]
    return Resource(
        id=f"mlflow:run/{run_id}",
        kind="mlflow_run",
        name=str((run.get("info") or {}).get("run_name") or run_id),
        platform="mlflow",
        attributes=run,
        provenance=provenance,
        labels=flatten_labels(tags),
        identities=(run_key(run_id),),
        links=tuple(dict.fromkeys(links)),
    )


def _run_id(run: Mapping[str, Any] | None) -> str:
    info = (run or {}).get("info") or {}
    return str(info.get("run_id") or info.get("run_uuid") or "")


def _training_datasets(run: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The run's logged input datasets with the URI their source names (None when it names none)."""
    found = []
    for entry in ((run or {}).get("inputs") or {}).get("dataset_inputs") or []:
        dataset = entry.get("dataset") or {}
        context = {t.get("key"): t.get("value") for t in entry.get("tags") or []}.get("mlflow.data.context")
        found.append(
            {
                "name": dataset.get("name"),
                "digest": dataset.get("digest"),
                "source_type": dataset.get("source_type"),
                "uri": _source_uri(dataset.get("source")),
                "context": context,
            }
        )
    return found


def _source_uri(source: Any) -> str | None:
    """The URI in a dataset source, which MLflow stores as JSON text: `{"uri": "s3://..."}`,
    `{"url": ...}` or `{"path": ...}` depending on the source type."""
    if isinstance(source, str):
        try:
            source = json.loads(source)
        except ValueError:
            return source or None
    if isinstance(source, Mapping):
        for key in _URI_KEYS:
            if isinstance(source.get(key), str) and source[key]:
                return str(source[key])
    return None


def _dataset_keys(uri: str | None) -> list[str]:
    """The OpenLineage dataset (namespace `<scheme>://<authority>`, name the path) and its storage."""
    if not uri:
        return []
    parts = urlsplit(uri)
    if not parts.scheme or not parts.netloc:
        return []
    keys = [dataset_key(f"{parts.scheme}://{parts.netloc}", parts.path.lstrip("/"))]
    storage = storage_key(uri)
    return [*keys, storage] if storage else keys
