"""Great Expectations validation results (JSON files) as `gx_validation_result` resources.

Reads the ExpectationSuiteValidationResult document GX writes to its validation store or returns
from `ValidationDefinition.run()`, in both shapes in use: GX 1.x (`suite_name`,
`suite_parameters`, expectation `type`) and GX 0.18 (`evaluation_parameters`,
`meta.expectation_suite_name`, `expectation_type`); checkpoint and validation-operator results
(`run_results`) are expanded into their validation results. No GX import is needed to read them.

Which dataset a validation is about, so the estate can join it to lineage (link `validates` to
`dataset:<namespace>/<name>`):
1. `meta["openlineage.io/dataset"]` on the result (GX copies a checkpoint's or validation
   definition's meta into it): `"<namespace>/<name>"` as OpenLineage names the dataset, or
   `{"namespace": ..., "name": ...}`;
2. otherwise the GX datasource and data asset names of the validated batch
   (`meta.active_batch_definition`, or 0.18's `batch_kwargs.datasource` with `data_asset_name`):
   namespace = datasource name, name = asset name, so naming a datasource after the OpenLineage
   namespace and the asset after the dataset makes the join;
3. otherwise no link: the result is still judged on its own (e.g. failed expectations).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..engine.identities import dataset_key
from ..engine.models import Link, Provenance, Resource
from .collected import DocumentResources, FileReading, opener
from .sources import Document

ADAPTER_NAME = "great_expectations"
KIND = "gx_validation_result"
DATASET_META_KEY = "openlineage.io/dataset"
_GX_COMPACT_TIME = "%Y%m%dT%H%M%S.%fZ"


def is_validation_result(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("results"), list)
        and isinstance(value.get("statistics"), Mapping)
        and "evaluated_expectations" in value["statistics"]
    )


def _run_results(value: Any) -> Mapping[str, Any] | None:
    run_results = value.get("run_results") if isinstance(value, Mapping) else None
    return run_results if isinstance(run_results, Mapping) else None


def recognises_results(documents: Sequence[Document]) -> bool:
    return any(is_validation_result(d.value) or _run_results(d.value) is not None for d in documents)


@dataclass(frozen=True)
class ValidationResults(DocumentResources):
    """The validation results of one file, normalised when constructed."""

    name: str = ADAPTER_NAME

    @classmethod
    def normalise_documents(cls, documents: Sequence[Document], reading: FileReading) -> Iterator[Resource]:
        for document in documents:
            provenance = reading.provenance(ADAPTER_NAME, document.line)
            for identifier, result in _validation_results(document.value):
                if is_validation_result(result):
                    yield result_resource(result, provenance, identifier)
                else:
                    reading.reject(
                        f"{identifier or 'document'} is not a Great Expectations validation result",
                        document.line,
                    )


open_results = opener(ValidationResults)


def _validation_results(value: Any) -> Iterator[tuple[str | None, Any]]:
    run_results = _run_results(value)
    if run_results is None:
        yield None, value
        return
    for identifier in sorted(run_results):
        entry = run_results[identifier]
        nested = entry.get("validation_result") if isinstance(entry, Mapping) else None
        yield str(identifier), nested if nested is not None else entry


def result_resource(
    result: Mapping[str, Any], provenance: Provenance, identifier: str | None = None
) -> Resource:
    """One validation result (either GX shape) as a resource; shared with the live GX run."""
    meta: Mapping[str, Any] = result["meta"] if isinstance(result.get("meta"), Mapping) else {}
    suite = str(result.get("suite_name") or meta.get("expectation_suite_name") or "")
    asset = data_asset(meta)
    run_name, run_time = _run(meta)
    dataset = validated_dataset(meta, asset)
    attributes = {
        "success": result.get("success") is True,
        "statistics": dict(result["statistics"]),
        "suite_name": suite,
        "run_name": run_name,
        "run_time": run_time,
        "data_asset": asset,
        "dataset": dataset,
        "gx_shape": "0.18" if "evaluation_parameters" in result else "1.x",
        "expectations": [_expectation(r) for r in result["results"] if isinstance(r, Mapping)],
        "meta": dict(meta),
    }
    key = (
        identifier
        or f"{suite}/{asset.get('batch_id') or asset.get('asset') or '-'}/{run_time or run_name or '-'}"
    )
    return Resource(
        id=f"gx:{key}",
        kind=KIND,
        name=suite,
        platform="great_expectations",
        attributes=attributes,
        provenance=provenance,
        links=(Link("validates", dataset),) if dataset else (),
    )


def data_asset(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Datasource, asset and batch of the validated batch, from whichever keys this GX wrote."""
    definition = meta.get("active_batch_definition")
    definition = definition if isinstance(definition, Mapping) else {}
    batch_kwargs = meta.get("batch_kwargs")
    batch_kwargs = batch_kwargs if isinstance(batch_kwargs, Mapping) else {}
    return {
        "datasource": definition.get("datasource_name") or batch_kwargs.get("datasource"),
        "asset": definition.get("data_asset_name")
        or batch_kwargs.get("data_asset_name")
        or meta.get("data_asset_name"),
        "batch_id": meta.get("batch_id") or batch_kwargs.get("ge_batch_id"),
    }


def validated_dataset(meta: Mapping[str, Any], asset: Mapping[str, Any]) -> str | None:
    """The `dataset:` identity key of the validated data (rules in the module docstring)."""
    named = meta.get(DATASET_META_KEY)
    if isinstance(named, Mapping) and named.get("namespace") and named.get("name"):
        return dataset_key(str(named["namespace"]), str(named["name"]))
    if isinstance(named, str) and "/" in named.strip("/"):
        return f"dataset:{named}"
    if asset.get("datasource") and asset.get("asset"):
        return dataset_key(str(asset["datasource"]), str(asset["asset"]))
    return None


def _run(meta: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """Run name and run time (ISO 8601, UTC) from `meta.run_id` or `meta.run_time`."""
    run_id = meta.get("run_id")
    if isinstance(run_id, Mapping):
        return run_id.get("run_name"), normalise_time(run_id.get("run_time"))
    time = (
        normalise_time(meta.get("run_time"))
        or normalise_time(run_id)
        or normalise_time(meta.get("validation_time"))
    )
    return (str(run_id) if isinstance(run_id, str) and time is None else None), time


def normalise_time(value: Any) -> str | None:
    """GX writes ISO 8601 or its compact `19551105T000000.000000Z`; both become ISO 8601 UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.strptime(value, _GX_COMPACT_TIME).replace(tzinfo=UTC)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat()


def _expectation(result: Mapping[str, Any]) -> dict[str, Any]:
    config = result.get("expectation_config")
    config = config if isinstance(config, Mapping) else {}
    kwargs: Mapping[str, Any] = config["kwargs"] if isinstance(config.get("kwargs"), Mapping) else {}
    exception = result.get("exception_info")
    return {
        "type": config.get("type") or config.get("expectation_type"),
        "column": kwargs.get("column"),
        "success": result.get("success") is True,
        "raised_exception": isinstance(exception, Mapping) and exception.get("raised_exception") is True,
    }
