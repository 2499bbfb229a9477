"""OpenLineage events from files: schema validation with exact paths, and folding into resources."""

from __future__ import annotations

import json
import random
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gavel.adapters.detect import collect_paths
from gavel.adapters.openlineage import OpenLineageEvents
from gavel.adapters.openlineage_merge import LocatedEvent, merge_events
from gavel.adapters.openlineage_schema import validation_error
from gavel.cli import cli
from gavel.engine.errors import InputError
from gavel.engine.models import Link, Resource

DATA = Path(__file__).parent.parent / "data/adapters/openlineage"
UPSTREAM = DATA / "OpenLineage"
JAFFLE = DATA / "crafted/events.jaffle-shop.jsonl"
CUSTOMERS = "openlineage:dataset:postgres://postgres:5432/postgres.public.customers"


def _read(path: Path, now: datetime, *, strict: bool = False) -> OpenLineageEvents:
    return OpenLineageEvents.from_bytes(path.read_bytes(), str(path), now, strict=strict)


def _by_id(resources: tuple[Resource, ...] | list[Resource]) -> dict[str, Resource]:
    return {r.id: r for r in resources}


@pytest.mark.parametrize(
    ("relative", "reason"),
    [
        ("proxy/fluentd/events/event_no_run_id.json", "run: 'runId' is a required property"),
        (
            "integration/spark/app/src/test/resources/test_data/serde/openlineage-event.json",
            "event: 'producer' is a required property",
        ),
        (
            "proxy/fluentd/events/event_full.json",
            "inputs[0].inputFacets.dataQualityMetrics: 'columnMetrics' is a required property",
        ),
        (
            "client/python/tests/serde_example_run_event.json",
            "run.facets.nominalTime.nominalStartTime: '2020-01-01' is not a 'date-time'",
        ),
    ],
)
def test_invalid_upstream_events_are_skipped_with_the_schema_path(
    relative: str, reason: str, now: datetime
) -> None:
    events = _read(UPSTREAM / relative, now)
    assert events.resources == ()
    assert [(s.line, s.reason) for s in events.skipped] == [(1, f"invalid OpenLineage event: {reason}")]


@pytest.mark.parametrize(
    "relative",
    [
        "client/python/tests/example_full_event.json",
        "client/python/tests/serde_example_job_event.json",
        "client/python/tests/serde_example_dataset_event.json",
        "proxy/fluentd/events/event_simple.json",
        "spec/tests/example_full_event.json",
    ],
)
def test_valid_upstream_events_pass_the_schema(relative: str) -> None:
    assert validation_error(json.loads((UPSTREAM / relative).read_text())) is None


def test_every_item_of_a_json_array_is_judged_on_its_own_line(now: datetime) -> None:
    """dbt's expected-event templates (`{{ any(result) }}` placeholders) lack the producer field."""
    path = UPSTREAM / "integration/common/tests/dbt/structured_logs/postgres/test/results/test_ol_events.json"
    events = _read(path, now)
    assert events.rejected == 26
    text = path.read_text().splitlines()
    assert all(text[s.line - 1].strip() == "{" for s in events.skipped if s.line is not None)
    assert [s.line for s in events.skipped][:3] == [2, 35, 142]


def test_json_lines_report_the_invalid_line_and_keep_the_rest(now: datetime) -> None:
    events = _read(JAFFLE, now)
    assert [str(s) for s in events.skipped] == [
        f"{JAFFLE}:5: skipped: invalid OpenLineage event: run.runId: 'x' is not a 'uuid'"
    ]
    assert events.accepted == 8
    assert len(events.resources) == 9


def test_strict_turns_the_first_invalid_event_into_an_error(now: datetime) -> None:
    with pytest.raises(InputError) as raised:
        _read(JAFFLE, now, strict=True)
    assert raised.value.one_line() == f"{JAFFLE}:5: invalid OpenLineage event: run.runId: 'x' is not a 'uuid'"


def test_dataset_facets_merge_latest_event_time_first(now: datetime) -> None:
    resources = _by_id(_read(JAFFLE, now).resources)
    customers = resources[CUSTOMERS]
    # P2Y (10:03:10) then P1Y (10:03:12); the erasure job's P10Y/public event is later in the
    # file but earlier in time, so it does not win.
    assert customers.labels == {
        "data-classification": "personal",
        "lawful-basis": "contract",
        "purpose": "order-fulfilment",
        "retention": "P1Y",
    }
    attributes = customers.attributes
    assert attributes["column_tags"] == {
        "first_name": {"data-classification": "personal"},
        "last_name": {"data-classification": "personal"},
    }
    assert attributes["owners"] == [{"name": "team:analytics-engineering", "type": "MAINTAINER"}]
    assert attributes["data_quality"]["failed"] == 1 and attributes["data_quality"]["success"] is False
    assert attributes["outputFacets"]["outputStatistics"]["rowCount"] == 100
    assert attributes["writers"] == [
        "job:dbt-test-namespace/model.jaffle_shop.customers",
        "job:jaffle-governance/gdpr_erasure",
    ]
    assert customers.identities == ("dataset:postgres://postgres:5432/postgres.public.customers",)
    assert customers.links == (Link("stored_in", "storage:postgres://postgres:5432/postgres"),)
    assert customers.provenance.line == 7


def test_storage_lifecycle_and_s3_link(now: datetime) -> None:
    export = _by_id(_read(JAFFLE, now).resources)["openlineage:dataset:s3://jaffle-lake/exports/customers"]
    assert export.attributes["facets"]["storage"]["storageLayer"] == "iceberg"
    assert export.attributes["lifecycle"] == {"state": "OVERWRITE", "previous": None}
    assert export.links == (Link("stored_in", "storage:s3://jaffle-lake"),)
    assert export.labels["data-classification"] == "personal"


def test_jobs_keep_their_latest_run_parent_type_and_lineage(now: datetime) -> None:
    resources = _by_id(_read(JAFFLE, now).resources)
    parent = resources["openlineage:job:dbt-test-namespace/dbt-run-jaffle_shop"]
    assert parent.attributes["latest_run"] == {
        "runId": "0193d3c5-8b4e-7a51-9c41-1f0c6e8b2a10",
        "eventType": "FAIL",
        "eventTime": "2024-12-17T10:03:24.864228Z",
    }
    assert "errorMessage" in parent.attributes["run_facets"]
    model = resources["openlineage:job:dbt-test-namespace/model.jaffle_shop.customers"]
    assert model.attributes["job_type"]["jobType"] == "MODEL"
    assert model.attributes["parent"] == {
        "job": "job:dbt-test-namespace/dbt-run-jaffle_shop",
        "runId": "0193d3c5-8b4e-7a51-9c41-1f0c6e8b2a10",
    }
    assert model.identities == ("job:dbt-test-namespace/model.jaffle_shop.customers",)
    assert model.links == (
        Link("reads", "dataset:postgres://postgres:5432/postgres.public.stg_customers"),
        Link("reads", "dataset:postgres://postgres:5432/postgres.public.stg_orders"),
        Link("writes", "dataset:postgres://postgres:5432/postgres.public.customers"),
    )
    erasure = resources["openlineage:job:jaffle-governance/gdpr_erasure"]
    assert erasure.labels == {"purpose": "erasure"}
    assert erasure.attributes["outputs"] == ["dataset:postgres://postgres:5432/postgres.public.customers"]


def _located(path: Path) -> list[LocatedEvent]:
    """The file's valid events, one a line, in file order."""
    lines = path.read_text().splitlines()
    return [
        LocatedEvent(event, str(path), "sha256:0", number)
        for number, line in enumerate(lines, start=1)
        if line.strip() and validation_error(event := json.loads(line)) is None
    ]


def test_result_does_not_depend_on_the_order_events_were_read(now: datetime) -> None:
    located = _located(JAFFLE)
    assert len(located) == 8
    expected = merge_events(located, now)
    shuffled = located[:]
    random.Random(7).shuffle(shuffled)
    assert shuffled != located
    assert merge_events(shuffled, now) == expected


def _event(time: str, facets: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventTime": time,
        "producer": "https://example.com/producer",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": "gs://eu-lake", "name": "patients/visits", "facets": facets},
    }


def _facet(**body: Any) -> dict[str, Any]:
    return {"_producer": "https://example.com/producer", "_schemaURL": "https://example.com/facet", **body}


def test_deleted_facets_are_removed_and_ownership_can_classify(now: datetime) -> None:
    events = [
        _event("2025-01-01T00:00:00Z", {"tags": _facet(tags=[{"key": "retention", "value": "P30D"}])}),
        _event(
            "2025-01-02T00:00:00+01:00",
            {
                "tags": {**_facet(), "_deleted": True},
                "ownership": _facet(
                    owners=[
                        {"name": "team:clinic", "type": "OWNER", "data-classification": "special-category"}
                    ]
                ),
            },
        ),
    ]
    for event in events:
        assert validation_error(event) is None
    (dataset,) = merge_events([LocatedEvent(e, "mem", "sha256:0", i) for i, e in enumerate(events)], now)
    assert dataset.labels == {"data-classification": "special-category"}
    assert "tags" not in dataset.attributes["facets"]
    assert dataset.links == (Link("stored_in", "storage:gs://eu-lake"),)


def test_tags_with_a_field_are_column_tags(now: datetime) -> None:
    event = _event(
        "2025-01-01T00:00:00Z",
        {
            "tags": _facet(
                tags=[
                    {"key": "data-classification", "value": "internal"},
                    {"key": "data-classification", "value": "personal", "field": "email"},
                ]
            )
        },
    )
    (dataset,) = merge_events([LocatedEvent(event, "mem", "sha256:0", 1)], now)
    assert dataset.attributes["tags"] == {"data-classification": "internal"}
    assert dataset.attributes["column_tags"] == {"email": {"data-classification": "personal"}}
    assert dataset.labels["data-classification"] == "personal"


def test_detection_opens_event_files_and_walks_jsonl(now: datetime) -> None:
    collection = collect_paths([DATA / "crafted"], collected_at=now)
    assert {r.kind for r in collection.resources} == {"openlineage_dataset", "openlineage_job"}
    assert [s.line for s in collection.skipped] == [5]


def test_gavel_check_judges_event_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["check", str(JAFFLE), "--no-evidence", "--format", "json"], env={"GAVEL_HOME": str(tmp_path)}
    )
    report = json.loads(result.stdout)
    assert report["summary"]["resources"] == 9
    skipped = f"gavel: {JAFFLE}:5: skipped: invalid OpenLineage event: run.runId: 'x' is not a 'uuid'"
    assert skipped in result.stderr.splitlines()
