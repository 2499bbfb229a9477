"""Great Expectations validation results (1.x and 0.18 files) and a real GX 1.x run from a config."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from gavel.adapters.detect import collect_paths
from gavel.adapters.great_expectations import ValidationResults, validated_dataset
from gavel.adapters.great_expectations_run import GreatExpectationsRun
from gavel.adapters.sources import SourceText, parse_documents
from gavel.engine.errors import InputError
from gavel.engine.models import Link, Resource

DATA = Path(__file__).parent.parent / "data/adapters/great-expectations"
GX1 = DATA / "great_expectations/tests"
GX018 = DATA / "great_expectations-0.18.21/tests"
CONFIG = DATA / "crafted/customers.gx.yaml"
CUSTOMERS = "dataset:postgres://postgres:5432/postgres.public.customers"


def _results(path: Path, now: datetime) -> list[Resource]:
    source = SourceText.from_bytes(path.read_bytes(), str(path))
    return list(ValidationResults.from_documents(source, parse_documents(source), now).collect())


def test_gx_1x_result(now: datetime) -> None:
    (result,) = _results(GX1 / "test_sets/titanic_expected_data_asset_validate_results.json", now)
    attributes = result.attributes
    assert result.kind == "gx_validation_result"
    assert attributes["gx_shape"] == "1.x"
    assert attributes["success"] is False
    assert attributes["statistics"]["unsuccessful_expectations"] == 1
    assert attributes["suite_name"] == "titanic"
    assert attributes["run_time"] == "1955-11-05T00:00:00+00:00"
    assert attributes["data_asset"]["batch_id"] == "1234"
    assert [e for e in attributes["expectations"] if not e["success"]] == [
        {
            "type": "expect_column_values_to_be_in_set",
            "column": "PClass",
            "success": False,
            "raised_exception": False,
        }
    ]
    assert result.links == ()


def test_gx_018_result_reads_expectation_type(now: datetime) -> None:
    (result,) = _results(GX018 / "test_sets/titanic_expected_data_asset_validate_results.json", now)
    assert result.attributes["gx_shape"] == "0.18"
    assert result.attributes["expectations"][0]["type"] == "expect_column_to_exist"
    assert len(result.attributes["expectations"]) == 10


def test_compact_run_ids_become_iso_times(now: datetime) -> None:
    (cli_result,) = _results(GX1 / "test_sets/expected_cli_results_default.json", now)
    assert cli_result.attributes["run_time"] == "1955-11-05T00:00:00+00:00"
    assert cli_result.attributes["data_asset"]["asset"] == "titanic"
    (profiled,) = _results(GX1 / "render/fixtures/datetime_column_evrs.json", now)
    assert profiled.attributes["run_time"] == "2020-03-22T17:02:47.671855+00:00"
    assert profiled.attributes["success"] is True


def test_operator_results_expand_into_each_validation(now: datetime) -> None:
    results = _results(
        GX1 / "render/fixtures/ValidationOperatorResult_with_multiple_validation_results.json", now
    )
    assert len({r.id for r in results}) == 2
    assert {r.attributes["data_asset"]["datasource"] for r in results} == {"getest"}
    assert all(r.attributes["statistics"]["evaluated_expectations"] == 11 for r in results)


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"openlineage.io/dataset": "s3://lake/users"}, "dataset:s3://lake/users"),
        ({"openlineage.io/dataset": {"namespace": "s3://lake", "name": "users"}}, "dataset:s3://lake/users"),
        (
            {"active_batch_definition": {"datasource_name": "s3://lake", "data_asset_name": "users"}},
            "dataset:s3://lake/users",
        ),
        ({"batch_kwargs": {"datasource": "getest", "ge_batch_id": "x"}}, None),
    ],
)
def test_dataset_naming_rule(meta: dict[str, Any], expected: str | None) -> None:
    from gavel.adapters.great_expectations import data_asset

    assert validated_dataset(meta, data_asset(meta)) == expected


def test_detection_routes_result_files(now: datetime) -> None:
    collection = collect_paths([GX1, GX018], collected_at=now)
    assert len(collection.resources) == 9  # eight files, one holding two validations
    assert {r.kind for r in collection.resources} == {"gx_validation_result"}
    assert collection.skipped == ()


def _with_other_document(path: Path) -> tuple[SourceText, int]:
    """The file as a YAML stream (JSON is YAML) followed by a document no GX adapter reads, and its line."""
    text = path.read_text().rstrip("\n")
    data = f"{text}\n---\nkind: ConfigMap\n".encode()
    return SourceText.from_bytes(data, str(path.with_suffix(".yaml"))), text.count("\n") + 3


def test_documents_that_are_not_results_are_skipped_or_raised(now: datetime) -> None:
    path = GX1 / "test_sets/titanic_expected_data_asset_validate_results.yaml"
    source, line = _with_other_document(path.with_suffix(".json"))
    read = ValidationResults.from_documents(source, parse_documents(source), now)
    assert len(read.resources) == 1
    reason = "document is not a Great Expectations validation result"
    assert [str(skipped) for skipped in read.skipped] == [f"{path}:{line}: skipped: {reason}"]
    with pytest.raises(InputError) as error:
        ValidationResults.from_documents(source, parse_documents(source), now, strict=True)
    assert str(error.value).startswith(f"{path}:{line}: {reason}")


def test_documents_that_are_not_validation_configs_are_skipped_or_raised(now: datetime) -> None:
    source, line = _with_other_document(CONFIG)
    run = GreatExpectationsRun.from_documents(source, parse_documents(source), now)
    assert [config.suite_name for config in run.configs] == ["customers_quality", "customers_contactable"]
    reason = "document is not a GreatExpectationsValidation"
    assert [str(skipped) for skipped in run.skipped] == [f"{CONFIG}:{line}: skipped: {reason}"]
    with pytest.raises(InputError) as error:
        GreatExpectationsRun.from_documents(source, parse_documents(source), now, strict=True)
    assert str(error.value).startswith(f"{CONFIG}:{line}: {reason}")


def _run(path: Path, now: datetime) -> GreatExpectationsRun:
    source = SourceText.from_bytes(path.read_bytes(), str(path))
    return GreatExpectationsRun.from_documents(source, parse_documents(source), now)


@pytest.mark.slow
def test_real_gx_run_passes_and_fails(now: datetime) -> None:
    passing, failing = _run(CONFIG, now).collect()
    assert passing.attributes["success"] is True
    assert passing.attributes["suite_name"] == "customers_quality"
    assert passing.attributes["statistics"]["evaluated_expectations"] == 3
    assert passing.attributes["gx_shape"] == "1.x"
    assert passing.attributes["meta"]["data"]["sha256"].startswith("sha256:")
    assert passing.links == (Link("validates", CUSTOMERS),)
    assert passing.provenance.line == 2
    assert failing.attributes["success"] is False
    assert [e["type"] for e in failing.attributes["expectations"] if not e["success"]] == [
        "expect_column_values_to_not_be_null"
    ]
    assert failing.links == (Link("validates", CUSTOMERS),)
    assert datetime.fromisoformat(failing.attributes["run_time"]) >= now.replace(year=2020)


@pytest.mark.slow
def test_gx_run_through_detection(now: datetime) -> None:
    collection = collect_paths([CONFIG], collected_at=now)
    assert [r.attributes["success"] for r in collection.resources] == [True, False]


def _config(tmp_path: Path, body: dict[str, Any]) -> Path:
    (tmp_path / "customers.csv").write_bytes((DATA / "crafted/customers.csv").read_bytes())
    path = tmp_path / "v.gx.yaml"
    path.write_text(json.dumps({"kind": "GreatExpectationsValidation", **body}))
    return path


def test_config_errors_name_the_file_and_problem(tmp_path: Path, now: datetime) -> None:
    missing_dataset = _config(
        tmp_path,
        {
            "data": {"path": "customers.csv"},
            "suite": {"name": "s", "expectations": [{"type": "expect_column_to_exist"}]},
        },
    )
    with pytest.raises(InputError, match=r"v\.gx\.yaml:1: GreatExpectationsValidation needs dataset"):
        _run(missing_dataset, now)
    no_expectations = _config(
        tmp_path,
        {
            "dataset": "s3://lake/users",
            "data": {"path": "customers.csv"},
            "suite": {"name": "s", "expectations": []},
        },
    )
    with pytest.raises(InputError, match=r"needs suite\.expectations"):
        _run(no_expectations, now)


@pytest.mark.slow
def test_unknown_expectation_and_missing_data_are_input_errors(tmp_path: Path, now: datetime) -> None:
    suite = {"name": "s", "expectations": [{"type": "expect_the_impossible", "kwargs": {"column": "age"}}]}
    unknown = _config(
        tmp_path, {"dataset": "s3://lake/users", "data": {"path": "customers.csv"}, "suite": suite}
    )
    with pytest.raises(InputError, match=r"suite.expectations\[0\] \(expect_the_impossible\)"):
        list(_run(unknown, now).collect())
    absent = _config(tmp_path, {"dataset": "s3://lake/users", "data": {"path": "absent.csv"}, "suite": suite})
    with pytest.raises(InputError, match="cannot read data file"):
        list(_run(absent, now).collect())
