"""Validating OpenLineage events against the spec as the `openlineage-python` package ships it.

openlineage-python 1.x does not ship the spec's JSON files; it ships the models OpenLineage's own
code generator produced from them (`openlineage.client.generated`: one attrs class per `$defs`
entry of the core spec and of every facet spec, with the spec's names, types, enums and formats).
This module renders those models back into one JSON Schema (draft 2020-12) the first time it is
needed, so an event is checked against the spec of the client version installed.

Two validators share that schema and its format checks (`openlineage_formats`). `jsonschema-rs`
(compiled in milliseconds, some 75 times faster than `jsonschema` on an event) decides whether an
event is valid: audits and the receiver take events by the hundred thousand. Only an event it
rejects is run through `jsonschema`, whose `best_match` names the offending path
(`run.runId: 'x' is not a 'uuid'`); where the two disagree, `jsonschema` has the last word.

Rules of the rendering, as the generator wrote the models:
- a field without a default is required; the producer and schema URL fields, which the models
  fill in themselves but the wire format requires, are required too;
- `X | None` is an optional X (the spec has no nulls), `list[X]` an array, `dict[str, X]` an
  object of X, an `Enum` or `Literal` the set of its values;
- the generator turns the `uuid`, `date-time` and `uri` formats into field validators that call
  `UUID`, `isoparse` and `urlparse`; the validator's names give the format back;
- well-known facets are checked against their own definition under the key the spec registers
  them with (`tags`, `schema`, `parent`, ...); any other facet is checked as the base facet of
  its place (run, job, dataset, input, output) and may carry extra properties, as the spec allows.
"""

from __future__ import annotations

import enum
import functools
import importlib
import pkgutil
import types
import typing
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from .openlineage_formats import FORMATS

if TYPE_CHECKING:
    import jsonschema_rs

_GENERATED = "openlineage.client.generated"
_ALWAYS_REQUIRED = {"producer", "schemaURL", "_producer", "_schemaURL"}
_FORMAT_OF_CALL = {"UUID": "uuid", "isoparse": "date-time", "urlparse": "uri"}

# Facet keys the spec's facet files register, by the place a facet sits (key -> module.Class).
_FACET_KEYS: dict[str, dict[str, str]] = {
    "base.DatasetFacet": {
        "tags": "tags_dataset.TagsDatasetFacet",
        "schema": "schema_dataset.SchemaDatasetFacet",
        "storage": "storage_dataset.StorageDatasetFacet",
        "ownership": "ownership_dataset.OwnershipDatasetFacet",
        "lifecycleStateChange": "lifecycle_state_change_dataset.LifecycleStateChangeDatasetFacet",
        "dataSource": "datasource_dataset.DatasourceDatasetFacet",
        "documentation": "documentation_dataset.DocumentationDatasetFacet",
        "symlinks": "symlinks_dataset.SymlinksDatasetFacet",
        "columnLineage": "column_lineage_dataset.ColumnLineageDatasetFacet",
        "version": "dataset_version_dataset.DatasetVersionDatasetFacet",
    },
    "base.InputDatasetFacet": {
        "dataQualityAssertions": "data_quality_assertions_dataset.DataQualityAssertionsDatasetFacet",
        "dataQualityMetrics": "data_quality_metrics_input_dataset.DataQualityMetricsInputDatasetFacet",
        "inputStatistics": "input_statistics_input_dataset.InputStatisticsInputDatasetFacet",
    },
    "base.OutputDatasetFacet": {
        "outputStatistics": "output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet",
    },
    "base.RunFacet": {
        "parent": "parent_run.ParentRunFacet",
        "nominalTime": "nominal_time_run.NominalTimeRunFacet",
        "errorMessage": "error_message_run.ErrorMessageRunFacet",
        "tags": "tags_run.TagsRunFacet",
        "processing_engine": "processing_engine_run.ProcessingEngineRunFacet",
    },
    "base.JobFacet": {
        "jobType": "job_type_job.JobTypeJobFacet",
        "tags": "tags_job.TagsJobFacet",
        "ownership": "ownership_job.OwnershipJobFacet",
        "sql": "sql_job.SQLJobFacet",
        "documentation": "documentation_job.DocumentationJobFacet",
        "sourceCodeLocation": "source_code_location_job.SourceCodeLocationJobFacet",
    },
}
_EVENT_DEFS = {"run": "base.RunEvent", "dataset": "base.DatasetEvent", "job": "base.JobEvent"}


def event_type_of(event: Mapping[str, Any]) -> str:
    """`run`, `dataset` or `job`: a RunEvent has a run, a DatasetEvent a dataset, a JobEvent neither."""
    if "run" in event:
        return "run"
    return "dataset" if "dataset" in event and "job" not in event else "job"


def validation_error(event: Any) -> str | None:
    """The most relevant schema violation of `event` as `path: message`, or None when it is valid."""
    if not isinstance(event, Mapping):
        return f"event: {type(event).__name__} is not an object"
    event_type = event_type_of(event)
    if _passes(event_type, event):
        return None
    error = best_match(_validators()[event_type].iter_errors(event))
    return None if error is None else _describe(error)


def _passes(event_type: str, event: Mapping[str, Any]) -> bool:
    """The fast verdict; a value JSON has no type for (YAML's `!!binary`, a number as key) is
    left to jsonschema, which names it."""
    try:
        return _fast_validators()[event_type].is_valid(event)
    except ValueError:
        return False


def _describe(error: ValidationError) -> str:
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
    return f"{path.lstrip('.') or 'event'}: {error.message}"


@functools.cache
def _schemas() -> dict[str, dict[str, Any]]:
    """One schema per event type, sharing the rendered definitions."""
    definitions = _definitions()
    return {
        event_type: {
            "$schema": Draft202012Validator.META_SCHEMA["$id"],
            "$ref": f"#/$defs/{name}",
            "$defs": definitions,
        }
        for event_type, name in _EVENT_DEFS.items()
    }


@functools.cache
def _validators() -> dict[str, Draft202012Validator]:
    """`jsonschema` validators, for the path and message of a rejected event."""
    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return {
        event_type: Draft202012Validator(schema, format_checker=checker)
        for event_type, schema in _schemas().items()
    }


@functools.cache
def _fast_validators() -> dict[str, jsonschema_rs.Validator]:
    """`jsonschema-rs` validators with the same checks (its own `uri` check is `FORMATS["uri"]`)."""
    import jsonschema_rs

    formats = {name: FORMATS[name] for name in ("uuid", "date-time")}
    return {
        event_type: jsonschema_rs.validator_for(schema, formats=formats, validate_formats=True)
        for event_type, schema in _schemas().items()
    }


def _definitions() -> dict[str, Any]:
    classes = dict(_model_classes())
    definitions = {name: _object_schema(cls) for name, cls in classes.items()}
    for place, keys in _FACET_KEYS.items():
        for name in keys.values():
            if name not in definitions:
                raise RuntimeError(f"{_GENERATED} has no {name}; the facet table needs updating")
        definitions[f"{place}.map"] = {
            "type": "object",
            "properties": {key: {"$ref": f"#/$defs/{name}"} for key, name in keys.items()},
            "additionalProperties": {"$ref": f"#/$defs/{place}"},
        }
    return definitions


def _model_classes() -> Iterator[tuple[str, type]]:
    package = importlib.import_module(_GENERATED)
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{_GENERATED}.{module_info.name}")
        for cls in vars(module).values():
            if isinstance(cls, type) and cls.__module__ == module.__name__ and _is_model(cls):
                yield _def_name(cls), cls


def _is_model(cls: type) -> bool:
    import attr

    return attr.has(cls) or issubclass(cls, enum.Enum)


def _def_name(cls: type) -> str:
    return f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__qualname__}"


def _object_schema(cls: type) -> dict[str, Any]:
    import attr

    if issubclass(cls, enum.Enum):
        return {"enum": [member.value for member in cls]}
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in attr.fields(cast(Any, cls)):
        properties[field.name] = _with_format(_type_schema(hints[field.name], field.name), field)
        if field.default is attr.NOTHING or field.name in _ALWAYS_REQUIRED:
            required.append(field.name)
    return {"type": "object", "properties": properties, "required": required}


def _with_format(schema: dict[str, Any], field: Any) -> dict[str, Any]:
    function = getattr(field.validator, "__code__", None)
    for call, name in _FORMAT_OF_CALL.items():
        if function is not None and call in function.co_names:
            return {**schema, "format": name}
    return schema


def _type_schema(hint: Any, field_name: str) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    arguments = [a for a in typing.get_args(hint) if a is not type(None)]
    if origin in (typing.Union, types.UnionType):
        if len(arguments) == 1:
            return _type_schema(arguments[0], field_name)
        return {"anyOf": [_type_schema(a, field_name) for a in arguments]}
    if origin is typing.Literal:
        return {"enum": list(arguments)}
    if origin is list:
        return {"type": "array", "items": _type_schema(arguments[0], field_name)}
    if origin is dict:
        return _map_schema(arguments[1], field_name)
    return _scalar_schema(hint)


def _map_schema(value_hint: Any, field_name: str) -> dict[str, Any]:
    if isinstance(value_hint, type) and _is_model(value_hint) and _def_name(value_hint) in _FACET_KEYS:
        return {"$ref": f"#/$defs/{_def_name(value_hint)}.map"}
    return {"type": "object", "additionalProperties": _type_schema(value_hint, field_name)}


def _scalar_schema(hint: Any) -> dict[str, Any]:
    simple = {str: "string", bool: "boolean", int: "integer", float: "number", datetime: "string"}
    if hint in simple:
        return {"type": simple[hint]}
    if hint is Any:
        return {}
    if isinstance(hint, type) and _is_model(hint):
        return {"$ref": f"#/$defs/{_def_name(hint)}"}
    raise RuntimeError(f"cannot render the type {hint!r} of the OpenLineage models as JSON Schema")
