"""`gavel audit --config audit.yaml`: the sources of a periodic audit and its settings, in one file.

A scheduled audit names more than flags comfortably carry (a cluster, an AWS account over several
regions, the lineage store, the model registry, data-quality results, Terraform state), so they
live in a file kept beside the CronJob that runs it. The file is YAML or JSON, checked against
`engine/schemas/audit-config.schema.json` (its first error is one line naming the file and the
JSON path, exit 3), and relative paths in it resolve against its own folder, so the same file
works from any working directory. Its settings are keyed by the command's option names, so the
command can let flags and `GAVEL_*` variables win over them one option at a time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..engine.errors import InputError, PolicyError, SourceLocation

SCHEMA = "schemas/audit-config.schema.json"


@dataclass(frozen=True)
class ClusterSpec:
    kubeconfig: Path | None = None
    context: str | None = None
    namespaces: tuple[str, ...] = ()


@dataclass(frozen=True)
class AwsSpec:
    profile: str | None = None
    regions: tuple[str, ...] = ()
    endpoint_url: str | None = None
    retry_mode: str = "standard"
    max_attempts: int = 8


@dataclass(frozen=True)
class LineageSpec:
    store: str


@dataclass(frozen=True)
class MlflowSpec:
    tracking_uri: str


@dataclass(frozen=True)
class GreatExpectationsSpec:
    paths: tuple[Path, ...]


@dataclass(frozen=True)
class FilesSpec:
    paths: tuple[Path, ...]
    input_kind: str | None = None


SourceSpec = ClusterSpec | AwsSpec | LineageSpec | MlflowSpec | GreatExpectationsSpec | FilesSpec


@dataclass(frozen=True)
class AuditConfig:
    """The config's sources, and its settings under the names of the options they stand in for."""

    path: Path
    sources: tuple[SourceSpec, ...]
    options: Mapping[str, Any]


def load_audit_config(path: Path) -> AuditConfig:
    """Read, validate and resolve an audit config; every problem is a `PolicyError` naming the file."""
    from ..adapters.sources import parse_documents, read_source

    if not path.is_file():
        raise PolicyError("audit config file does not exist", SourceLocation(str(path)))
    try:
        documents = parse_documents(read_source(path))
    except InputError as error:
        raise PolicyError(error.message, error.location, error.hint) from None
    if len(documents) != 1:
        raise PolicyError(
            f"an audit config holds one document, found {len(documents)}", SourceLocation(str(path))
        )
    document = documents[0].value
    _validate(document, path)
    base = path.resolve().parent
    return AuditConfig(
        path=path,
        sources=tuple(_source(entry, base) for entry in document["sources"]),
        options=_options(document, base),
    )


def config_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(resources.files("gavel.engine").joinpath(SCHEMA).read_text())
    return schema


def _validate(document: Any, path: Path) -> None:
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(config_schema()).iter_errors(document), key=_where)
    if errors:
        error = jsonschema.exceptions.best_match(e for e in errors if _where(e) == _where(errors[0]))
        raise PolicyError(
            f"invalid audit config at {error.json_path}: {_message(error)}",
            SourceLocation(str(path)),
            hint="see engine/schemas/audit-config.schema.json",
        )


def _where(error: Any) -> list[tuple[int, int | str]]:
    """Document order of an error's place: `sources[2]` before `sources[10]`, the first source first."""
    return [(0, step) if isinstance(step, int) else (1, step) for step in error.absolute_path]


def _message(error: Any) -> str:
    """jsonschema's message, shorter where it would print a whole mapping back at the user."""
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        if unknown:
            return f"unknown key {unknown[0]!r}"
    if error.validator == "required":
        missing = next((key for key in error.validator_value if key not in error.instance), "?")
        return f"missing key {missing!r}"
    return str(error.message)


def _source(entry: Mapping[str, Any], base: Path) -> SourceSpec:
    kind = entry["type"]
    if kind == "cluster":
        kubeconfig = entry.get("kubeconfig")
        return ClusterSpec(
            kubeconfig=_path(kubeconfig, base) if kubeconfig else None,
            context=entry.get("context"),
            namespaces=tuple(entry.get("namespaces", ())),
        )
    if kind == "aws":
        retry = entry.get("retry", {})
        return AwsSpec(
            profile=entry.get("profile"),
            regions=tuple(entry.get("regions", ())),
            endpoint_url=entry.get("endpoint_url"),
            retry_mode=retry.get("mode", "standard"),
            max_attempts=retry.get("max_attempts", 8),
        )
    if kind == "lineage":
        return LineageSpec(store=_url(entry["store"], base))
    if kind == "mlflow":
        return MlflowSpec(tracking_uri=_url(entry["tracking_uri"], base))
    paths = tuple(_path(p, base) for p in entry["paths"])
    if kind == "great_expectations":
        return GreatExpectationsSpec(paths=paths)
    return FilesSpec(paths=paths, input_kind=entry.get("input_kind"))


def _options(document: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """The settings as the command's parameters would hold them."""
    options: dict[str, Any] = {}
    for key in ("fail_on", "max_risk", "environment", "runtime", "opa_url", "chunk_size", "jobs", "strict"):
        if key in document:
            options[key] = document[key]
    if "policies" in document:
        options["policies"] = tuple(
            name if name == "builtin" else str(_path(name, base)) for name in document["policies"]
        )
    if "data" in document:
        options["data"] = tuple(_path(p, base) for p in document["data"])
    if "waivers" in document:
        options["waivers"] = _path(document["waivers"], base)
    evidence = document.get("evidence")
    if evidence is False:
        options["no_evidence"] = True
    elif isinstance(evidence, str):
        options["evidence_url"] = _url(evidence, base)
    output = document.get("output", {})
    if "format" in output:
        options["output_format"] = output["format"]
    if "path" in output:
        options["output"] = _path(output["path"], base)
    return options


def _path(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _url(value: str, base: Path) -> str:
    """A `sqlite:///relative.db` URL names a file, so it resolves like any other path here."""
    prefix = "sqlite:///"
    if value.startswith(prefix) and not value[len(prefix) :].startswith("/"):
        return prefix + str(base / value[len(prefix) :])
    return value


def merge_options(
    values: Mapping[str, Any], config: AuditConfig | None, from_user: Sequence[str]
) -> dict[str, Any]:
    """The command's values with the config's settings for every option the user did not set.

    `from_user` names the options set on the command line or through `GAVEL_*` variables; those
    keep their value. Settings from the general config file (`gavel.yaml`) count as defaults
    here: the audit config, named for this run, is the more specific of the two.
    """
    merged = dict(values)
    for name, value in (config.options if config else {}).items():
        if name not in from_user and _COUNTERPART.get(name) not in from_user:
            merged[name] = value
    return merged


# Options that say the opposite of each other: the user setting one overrides the config's other.
_COUNTERPART = {"no_evidence": "evidence_url", "evidence_url": "no_evidence"}
