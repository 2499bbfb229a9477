"""Reading `gavel place` inputs at the boundary: a workload file and a catalog of candidate placements.

Both are YAML or JSON, validated against their published JSON Schemas
(`engine/schemas/placement-*.schema.json`) and then against the reference data the policies read:
a region must be in the regions table and belong to the candidate's cloud, a zone must be in its
region, an accelerator model must be known. Every problem is one `InputError` naming the file, the
line and the entry (`catalog.yaml:14: candidates[2] (gke-h100-us): negative hourly_cost -1`), so
a typo never turns into "no candidate fits".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..engine.errors import InputError, SourceLocation
from ..engine.estate import most_sensitive
from ..engine.placement_model import (
    AcceleratorNeed,
    Candidate,
    Catalog,
    Constraints,
    Workload,
)
from .sources import SourceText, parse_documents, read_source

_COST_FIELDS = ("hourly_cost", "price")
_AWS_OR_GCP_ZONE = re.compile(r"^-?[a-z0-9]+(-[a-z0-9]+)*$")
_AZURE_ZONES = ("1", "2", "3")


@cache
def _schema(name: str) -> dict[str, Any]:
    text = resources.files("gavel.engine").joinpath(f"schemas/placement-{name}.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def read_workload(path: Path, regions: Mapping[str, Any], accelerators: Mapping[str, Any]) -> Workload:
    return parse_workload(read_source(path), regions, accelerators)


def read_catalog(path: Path, regions: Mapping[str, Any], accelerators: Mapping[str, Any]) -> Catalog:
    return parse_catalog(read_source(path), regions, accelerators)


def parse_workload(
    source: SourceText, regions: Mapping[str, Any], accelerators: Mapping[str, Any]
) -> Workload:
    """A validated workload; `regions` and `accelerators` are the policy data tables."""
    document = _validated(source, "workload")
    data = document.get("data", {})
    lineage = data.get("lineage", {})
    accelerator = document.get("accelerator")
    need = None
    if accelerator is not None:
        name = accelerator.get("type")
        model = None if name is None else _model(name, accelerators)
        if name is not None and model is None:
            where = SourceLocation(source.name, _line_of(source.text, ["accelerator", "type"]))
            raise InputError(f"accelerator.type: unknown accelerator {name!r}", where, _ACCELERATOR_HINT)
        need = AcceleratorNeed(count=accelerator["count"], model=model)
    pinned = document.get("constraints", {})
    for index, region in enumerate(pinned.get("regions", ())):
        if _region_entry(region, regions) is None:
            where = SourceLocation(source.name, _line_of(source.text, ["constraints", "regions", index]))
            raise InputError(f"constraints.regions[{index}]: unknown region {region!r}", where, _REGION_HINT)
    spot = document.get("spot", {})
    memory = document.get("memory_gib")
    return Workload(
        name=document["name"],
        namespace=document.get("namespace", "default"),
        classification=most_sensitive(data.get("classifications", ())),
        jurisdictions=tuple(data.get("jurisdictions", ())),
        accelerator=need,
        memory_gib=None if memory is None else _decimal(memory),
        cmk_required=bool(document.get("encryption", {}).get("cmk_required", False)),
        frameworks=tuple(document.get("frameworks", ())),
        constraints=Constraints(
            clouds=tuple(pinned.get("clouds", ())),
            regions=tuple(_normalise(r) for r in pinned.get("regions", ())),
            region_prefixes=tuple(p.lower() for p in pinned.get("region_prefixes", ())),
            node_pools=tuple(pinned.get("node_pools", ())),
        ),
        spot_allowed=bool(spot.get("allowed", False)),
        min_spot_availability=_decimal(spot.get("min_availability", 0)),
        storage=bool(document.get("storage", True)),
        retention_days=document.get("retention_days", 365),
        image=document["image"],
        cpu=_decimal(document.get("cpu", 4)),
        environment=document.get("environment"),
        lineage_jobs=tuple(lineage.get("jobs", ())),
        lineage_datasets=tuple(lineage.get("datasets", ())),
        source=source.name,
        source_digest=source.digest,
    )


def parse_catalog(source: SourceText, regions: Mapping[str, Any], accelerators: Mapping[str, Any]) -> Catalog:
    """A validated catalog; ids are unique, regions, zones and accelerator models are known."""
    document = _validated(source, "catalog")
    candidates = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(document["candidates"]):
        label = f"candidates[{index}] ({entry['id']})"
        line = _Lines(source.text, ["candidates", index])
        if entry["id"] in seen:
            raise InputError(
                f"{label}: duplicate id, also candidates[{seen[entry['id']]}]",
                SourceLocation(source.name, line.at("id")),
            )
        seen[entry["id"]] = index
        candidates.append(_candidate(entry, label, line, source.name, regions, accelerators))
    return Catalog(
        candidates=tuple(candidates),
        source=source.name,
        source_digest=source.digest,
        currency=document.get("currency", "USD"),
    )


_REGION_HINT = "regions are listed in policies/data/regions.yaml; add your own with --data"


def _candidate(
    entry: Mapping[str, Any],
    label: str,
    line: _Lines,
    source: str,
    regions: Mapping[str, Any],
    accelerators: Mapping[str, Any],
) -> Candidate:
    cloud = entry["cloud"]
    region = _normalise(entry["region"])
    known = _region_entry(region, regions)
    if known is None:
        where = SourceLocation(source, line.at("region"))
        raise InputError(f"{label}: unknown region {entry['region']!r}", where, _REGION_HINT)
    if known.get("cloud", cloud) != cloud:
        raise InputError(
            f"{label}: region {region!r} belongs to {known['cloud']}, not {cloud}",
            SourceLocation(source, line.at("region")),
        )
    if known.get("multi_region"):
        raise InputError(
            f"{label}: {region!r} is a storage multi-region; name the compute region",
            SourceLocation(source, line.at("region")),
        )
    zone = entry.get("zone")
    if zone is not None and not _zone_in_region(cloud, zone, region):
        raise InputError(
            f"{label}: zone {zone!r} is not in region {region!r}", SourceLocation(source, line.at("zone"))
        )
    accelerator = entry.get("accelerator")
    model = None
    if accelerator is not None:
        model = _model(accelerator["type"], accelerators)
        if model is None:
            raise InputError(
                f"{label}: accelerator.type: unknown accelerator {accelerator['type']!r}",
                SourceLocation(source, line.at("accelerator")),
                _ACCELERATOR_HINT,
            )
    spot = entry.get("spot")
    return Candidate(
        id=entry["id"],
        cloud=cloud,
        region=region,
        zone=zone,
        node_pool=entry.get("node_pool"),
        instance_type=entry["instance_type"],
        accelerator=model,
        accelerators_per_node=accelerator["count"] if accelerator else 0,
        memory_gib=_decimal(entry["memory_gib"]),
        confidential_computing=bool(entry.get("confidential_computing", False)),
        gpu_sharing=entry.get("gpu_sharing", "none"),
        encryption=tuple(entry.get("encryption", ("provider-managed",))),
        hourly_cost=_decimal(entry["hourly_cost"]),
        spot_price=_decimal(spot["price"]) if spot else None,
        spot_availability=_decimal(spot["availability"]) if spot and "availability" in spot else None,
    )


@cache
def _fast_check(kind: str) -> Callable[[Any], bool]:
    """The schema compiled in Rust: a 10,000-entry catalog validates in tens of milliseconds."""
    import jsonschema_rs

    check: Callable[[Any], bool] = jsonschema_rs.validator_for(_schema(kind)).is_valid
    return check


def _validated(source: SourceText, kind: str) -> dict[str, Any]:
    """The file's one document, valid against the schema; the first error names its line.

    Valid documents pass the compiled check alone; only an invalid one goes through `jsonschema`,
    whose `best_match` picks the error worth reporting.
    """
    import jsonschema

    documents = parse_documents(source)
    if len(documents) != 1:
        raise InputError(
            f"a {kind} file holds one document, found {len(documents)}", SourceLocation(source.name)
        )
    document = documents[0].value
    if _fast_check(kind)(document):
        return dict(document)
    validator = jsonschema.Draft202012Validator(_schema(kind))
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        path = list(error.absolute_path)
        where = SourceLocation(source.name, _line_of(source.text, path))
        raise InputError(
            _describe(error, path, document), where, f"see engine/schemas/placement-{kind}.schema.json"
        )
    result: dict[str, Any] = document
    return result


def _describe(error: Any, path: Sequence[Any], document: Any) -> str:
    """A schema error in the catalog's own words: which entry, which field, what is wrong."""
    subject = _subject(path, document)
    field = str(path[-1]) if path and isinstance(path[-1], str) else None
    if error.validator == "required":
        missing = next((key for key in error.validator_value if key not in error.instance), "?")
        return f"{subject}: missing field {missing!r}"
    if error.validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - known)
        return f"{subject}: unknown field {unknown[0]!r}" if unknown else f"{subject}: {error.message}"
    if error.validator == "minimum" and field in _COST_FIELDS and error.instance < 0:
        return f"{subject}: negative {field} {error.instance}"
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"{subject}: {error.instance!r} is not one of {allowed}"
    return f"{subject}: {error.message}"


def _subject(path: Sequence[Any], document: Any) -> str:
    """`candidates[2] (gke-h100-us).hourly_cost`-style name of the place an error is at."""
    parts: list[str] = []
    node = document
    for step in path:
        if isinstance(step, int):
            parts[-1] = f"{parts[-1]}[{step}]" if parts else f"[{step}]"
            node = node[step] if isinstance(node, list) and step < len(node) else None
            if isinstance(node, Mapping) and isinstance(node.get("id"), str):
                parts[-1] += f" ({node['id']})"
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, Mapping) else None
    return ".".join(parts) or "top level"


class _Lines:
    """Lines of the fields of one entry, looked up only when an error needs them."""

    def __init__(self, text: str, path: list[Any]):
        self._text = text
        self._path = path

    def at(self, field: str) -> int | None:
        return _line_of(self._text, [*self._path, field])


def _line_of(text: str, path: Iterable[Any]) -> int | None:
    """1-based line of the value at `path` (YAML, or JSON read as YAML); None when not found."""
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _normalise(region: str) -> str:
    return region.strip().lower().replace(" ", "")


def _region_entry(region: str, regions: Mapping[str, Any]) -> Mapping[str, Any] | None:
    entry = regions.get(_normalise(region))
    return entry if isinstance(entry, Mapping) else None


def _zone_in_region(cloud: str, zone: str, region: str) -> bool:
    if cloud == "azure":
        return zone in _AZURE_ZONES
    suffix = zone.lower().removeprefix(region)
    return zone.lower().startswith(region) and bool(suffix) and bool(_AWS_OR_GCP_ZONE.match(suffix))


_ACCELERATOR_HINT = "models are listed in policies/data/placement_accelerators.yaml; add your own with --data"


def _model(name: str, accelerators: Mapping[str, Any]) -> str | None:
    """The accelerator table's name for `name` (itself or an alias), or None when unknown."""
    wanted = name.strip().lower()
    for model, entry in accelerators.items():
        aliases = entry.get("aliases", ()) if isinstance(entry, Mapping) else ()
        if wanted == model or wanted in aliases:
            return str(model)
    return None


def _decimal(value: Any) -> Decimal:
    """Exact decimal of a parsed number: `0.1` stays 0.1, not the float nearest to it."""
    return Decimal(str(value))
