"""OpenLineage validation: the fast validator agrees with jsonschema, and the spec's formats hold."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gavel.adapters import openlineage_schema
from gavel.adapters.openlineage_formats import is_date_time, is_uri, is_uuid
from gavel.adapters.openlineage_schema import event_type_of, validation_error

DATA = Path(__file__).parent.parent / "data/adapters/openlineage"
JAFFLE = DATA / "crafted/events.jaffle-shop.jsonl"
FULL_EVENT = DATA / "OpenLineage/client/python/tests/example_full_event.json"
RUN_ID = "0193d3c5-8b4e-7a51-9c41-1f0c6e8b2a10"


def _valid_event() -> dict[str, Any]:
    """The jaffle_shop customers model's START event: parent, schema, tags and ownership facets."""
    event: dict[str, Any] = json.loads(JAFFLE.read_text().splitlines()[1])
    assert validation_error(event) is None
    return event


def _with(event: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    _parent(changed, path)[path[-1]] = value
    return changed


def _parent(event: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    parent: Any = event
    for key in path[:-1]:
        parent = parent[key]
    return parent


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (("run", "runId"), "x", "run.runId: 'x' is not a 'uuid'"),
        (
            ("run", "runId"),
            RUN_ID.replace("-", ""),
            f"run.runId: '{RUN_ID.replace('-', '')}' is not a 'uuid'",
        ),
        (
            ("run", "facets", "parent", "run", "runId"),
            f"{{{RUN_ID}}}",
            f"run.facets.parent.run.runId: '{{{RUN_ID}}}' is not a 'uuid'",
        ),
        (("eventTime",), "2024-12-17", "eventTime: '2024-12-17' is not a 'date-time'"),
        (("eventTime",), "2024-02-30T10:00:00Z", "eventTime: '2024-02-30T10:00:00Z' is not a 'date-time'"),
        (("eventTime",), "yesterday", "eventTime: 'yesterday' is not a 'date-time'"),
        (("producer",), "dbt", "producer: 'dbt' is not a 'uri'"),
        (
            ("job", "facets", "jobType", "_schemaURL"),
            "https://openlineage.io/spec/facets/2-0-3/Job Type.json",
            "job.facets.jobType._schemaURL: 'https://openlineage.io/spec/facets/2-0-3/Job Type.json'"
            " is not a 'uri'",
        ),
        (
            ("inputs", 0, "facets", "dataSource", "uri"),
            "http://[::1",
            "inputs[0].facets.dataSource.uri: 'http://[::1' is not a 'uri'",
        ),
    ],
)
def test_the_spec_formats_are_enforced_with_the_path_at_fault(
    path: tuple[str | int, ...], value: str, reason: str
) -> None:
    assert validation_error(_with(_valid_event(), path, value)) == reason


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("run", "runId"), RUN_ID.upper()),
        (("eventTime",), "2024-12-17T10:03:08.193883+01:00"),
        (("eventTime",), "2024-12-17T10:03:08"),  # no offset: read as UTC when merged
        (("eventTime",), "2024-12-17t10:03:08z"),  # lower case, which isoparse reads
        (("eventTime",), "2024-12-17T24:00:00Z"),  # midnight at the end of the day, as isoparse reads it
        (("producer",), "urn:example:producer"),
    ],
)
def test_other_spellings_the_formats_allow_pass(path: tuple[str | int, ...], value: str) -> None:
    assert validation_error(_with(_valid_event(), path, value)) is None


def test_formats_leave_other_types_to_the_type_check() -> None:
    assert is_uuid(7) and is_date_time(None) and is_uri(["x"])
    event = _with(_valid_event(), ("run", "runId"), 7)
    assert validation_error(event) == "run.runId: 7 is not of type 'string'"


def test_a_value_json_cannot_hold_is_judged_by_jsonschema() -> None:
    """The fast validator refuses Python objects outside JSON; the reference still names the path."""
    event = _with(_valid_event(), ("eventTime",), datetime(2024, 12, 17, tzinfo=UTC))
    assert validation_error(event) == (
        "eventTime: datetime.datetime(2024, 12, 17, 0, 0, tzinfo=datetime.timezone.utc)"
        " is not of type 'string'"
    )


_REPLACEMENTS: tuple[Any, ...] = ("x", 1, 1.5, True, None, [], {}, "2020-01-01", "not a uri", RUN_ID)


def _variants(event: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The event with each member, at every depth, replaced by each value above or removed."""
    yield event
    for path in _paths(event, ()):
        for value in _REPLACEMENTS:
            yield _with(event, path, value)
        if isinstance(path[-1], str):
            removed = copy.deepcopy(event)
            del _parent(removed, path)[path[-1]]
            yield removed


def _paths(value: Any, prefix: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    children = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    )
    for key, child in children:
        yield (*prefix, key)
        yield from _paths(child, (*prefix, key))


@pytest.mark.parametrize("source", [JAFFLE, FULL_EVENT], ids=["jaffle-model-start", "client-full-event"])
def test_the_fast_validator_agrees_with_jsonschema_on_every_mutation(source: Path) -> None:
    event = _valid_event() if source == JAFFLE else json.loads(source.read_text())
    fast = openlineage_schema._fast_validators()
    reference = openlineage_schema._validators()
    checked = disagreements = 0
    for variant in _variants(event):
        kind = event_type_of(variant)
        checked += 1
        disagreements += fast[kind].is_valid(variant) != reference[kind].is_valid(variant)
    assert checked > 500
    assert disagreements == 0
