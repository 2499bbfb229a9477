"""Waivers: accepted, owned and expiring exceptions to a policy for selected resources.

A waiver names exactly one policy and a non-trivial resource selector; "everything, forever"
is refused when the file is read, and an expired waiver stops applying and is reported.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources
from typing import Any

from .errors import PolicyError, SourceLocation
from .models import Finding, Resource, Waiver


@cache
def _schema() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("schemas/waivers.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def _is_match_all(selector: Mapping[str, Any]) -> bool:
    patterns = [v for k, v in selector.items() if k in ("id", "source")]
    return len(selector) == len(patterns) and all(p.strip("*") == "" for p in patterns)


def _dates_as_text(document: Any) -> Any:
    """YAML reads `expires: 2027-03-31` as a date; the schema (and JSON files) speak ISO text."""
    if isinstance(document, Mapping) and isinstance(document.get("waivers"), list):
        entries = [
            {**e, "expires": e["expires"].isoformat()}
            if isinstance(e, Mapping) and isinstance(e.get("expires"), date)
            else e
            for e in document["waivers"]
        ]
        return {**document, "waivers": entries}
    return document


def parse_waivers(document: Any, source: str) -> tuple[Waiver, ...]:
    """Validate a parsed waivers document (`{"waivers": [...]}`) into Waiver models."""
    import jsonschema

    document = _dates_as_text(document)
    errors = sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(document), key=lambda e: e.path)
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "top level"
        raise PolicyError(f"invalid waiver at {where}: {errors[0].message}", SourceLocation(source))
    waivers = []
    for index, entry in enumerate(document["waivers"]):
        label = entry.get("id") or f"waivers[{index}]"
        if "*" in entry["policy"] or _is_match_all(entry["resources"]):
            raise PolicyError(
                f"waiver {label} matches everything; name one policy and select specific resources",
                SourceLocation(source),
            )
        try:
            expires = date.fromisoformat(entry["expires"])
        except ValueError:
            raise PolicyError(f"waiver {label}: expires is not a date", SourceLocation(source)) from None
        waivers.append(
            Waiver(
                policy_id=entry["policy"],
                selector=entry["resources"],
                reason=entry["reason"],
                owner=entry["owner"],
                expires=expires,
                id=label,
            )
        )
    return tuple(waivers)


def selects(selector: Mapping[str, Any], resource: Resource) -> bool:
    """Whether every key of a waiver's selector matches the resource."""
    checks: dict[str, Callable[[Any], bool]] = {
        "id": lambda v: fnmatchcase(resource.id, v),
        "kind": lambda v: resource.kind == v,
        "namespace": lambda v: resource.namespace == v,
        "source": lambda v: fnmatchcase(resource.provenance.source, v),
        "labels": lambda v: all(resource.labels.get(k) == want for k, want in v.items()),
    }
    return all(checks[key](value) for key, value in selector.items())


def apply_waivers(
    findings: Iterable[Finding],
    waivers: Sequence[Waiver],
    resources_by_id: Mapping[str, Resource],
    today: date,
) -> tuple[tuple[Finding, ...], tuple[Waiver, ...]]:
    """Mark findings covered by a live waiver; return them and the waivers that have expired."""
    live = [w for w in waivers if not w.is_expired(today)]
    expired = tuple(w for w in waivers if w.is_expired(today))
    result = []
    for finding in findings:
        resource = resources_by_id.get(finding.resource.id)
        waiver = next(
            (
                w
                for w in live
                if w.policy_id == finding.policy_id and resource and selects(w.selector, resource)
            ),
            None,
        )
        result.append(dataclasses.replace(finding, waiver=waiver) if waiver else finding)
    return tuple(result), expired
