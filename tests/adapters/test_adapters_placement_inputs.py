"""Workload and catalog files for `gavel place`: the examples parse, the schemas are published and
valid, every bad catalog gets one line naming the file, line, entry and problem, and the regions
table covers the three clouds' regions the examples use."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from gavel.adapters.placement_inputs import parse_catalog, parse_workload, read_catalog, read_workload
from gavel.adapters.sources import SourceText
from gavel.engine.errors import InputError
from gavel.engine.loader import load_policy_set
from gavel.engine.metadata import FRAMEWORKS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "placement"
GOOD = {
    "id": "gke-h100-eu",
    "cloud": "gcp",
    "region": "europe-west4",
    "zone": "europe-west4-b",
    "node_pool": "a3-h100",
    "instance_type": "a3-highgpu-8g",
    "accelerator": {"type": "nvidia-h100-80gb", "count": 8},
    "memory_gib": 1872,
    "encryption": ["provider-managed", "cmk"],
    "hourly_cost": 97.1,
}


@pytest.fixture(scope="module")
def tables() -> tuple[dict[str, Any], dict[str, Any]]:
    data = load_policy_set().data
    return dict(data["regions"]), dict(data["placement_accelerators"])


def catalog_error(tables: tuple[dict[str, Any], dict[str, Any]], **changes: Any) -> str:
    entry = {key: value for key, value in {**GOOD, **changes}.items() if value is not None}
    text = yaml.safe_dump({"candidates": [GOOD | {"id": "first"}, entry]}, sort_keys=False)
    with pytest.raises(InputError) as raised:
        parse_catalog(SourceText.from_bytes(text.encode(), "catalog.yaml"), *tables)
    assert raised.value.exit_code == 4
    message = raised.value.one_line()
    assert "\n" not in message
    return message


def test_the_examples_parse_with_exact_prices(tables: tuple[dict[str, Any], dict[str, Any]]) -> None:
    workload = read_workload(EXAMPLES / "workload.yaml", *tables)
    catalog = read_catalog(EXAMPLES / "catalog.yaml", *tables)
    assert workload.classification == "personal"
    assert workload.accelerator is not None and workload.accelerator.count == 8
    assert workload.frameworks == ("GDPR", "NIST-800-53", "ISO-27001")
    by_id = {c.id: c for c in catalog.candidates}
    assert by_id["aws-euc1-p5"].hourly_cost == Decimal("63.30")
    assert by_id["aws-use1-p5"].spot_price == Decimal("30.10")
    assert by_id["gcp-euw4-g2-l4"].gpu_sharing == "time-sharing"
    assert catalog.source_digest.startswith("sha256:")


def test_every_region_of_the_example_catalog_resolves_for_its_cloud(
    tables: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    regions, _ = tables
    document = yaml.safe_load((EXAMPLES / "catalog.yaml").read_text())
    clouds = set()
    for entry in document["candidates"]:
        known = regions[entry["region"]]
        assert known["cloud"] == entry["cloud"], entry["id"]
        assert isinstance(known["eea"], bool) and known["country"]
        clouds.add(entry["cloud"])
    assert clouds == {"aws", "gcp", "azure"}


def test_the_regions_table_covers_the_three_clouds(tables: tuple[dict[str, Any], dict[str, Any]]) -> None:
    regions, _ = tables
    by_cloud: dict[str, set[str]] = {}
    for name, entry in regions.items():
        by_cloud.setdefault(entry["cloud"], set()).add(name)
    assert {"us-east-1", "eu-central-1", "ap-southeast-6", "cn-north-1", "us-gov-west-1"} <= by_cloud["aws"]
    assert {"us-central1", "europe-west4", "europe-north2", "northamerica-south1"} <= by_cloud["gcp"]
    assert {"westeurope", "swedencentral", "chinaeast", "usdodeast", "newzealandnorth"} <= by_cloud["azure"]
    assert all(len(names) > 30 for names in by_cloud.values())
    assert not by_cloud["aws"] & by_cloud["gcp"] and not by_cloud["gcp"] & by_cloud["azure"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"region": "eu-wst-1", "cloud": "aws", "zone": None},
            "catalog.yaml:18: candidates[1] (gke-h100-eu): unknown region 'eu-wst-1'",
        ),
        (
            {"hourly_cost": -1},
            "catalog.yaml:25: candidates[1] (gke-h100-eu).hourly_cost: negative hourly_cost -1",
        ),
        (
            {"instance_type": None},
            "catalog.yaml:16: candidates[1] (gke-h100-eu): missing field 'instance_type'",
        ),
        (
            {"accelerator": {"type": "nvidia-h1000", "count": 8}},
            "candidates[1] (gke-h100-eu): accelerator.type: unknown accelerator 'nvidia-h1000'",
        ),
        ({"region": "eu-west-1", "zone": None}, "region 'eu-west-1' belongs to aws, not gcp"),
        ({"zone": "europe-west3-a"}, "zone 'europe-west3-a' is not in region 'europe-west4'"),
        ({"region": "eu", "zone": None}, "'eu' is a storage multi-region"),
        ({"id": "first"}, "candidates[1] (first): duplicate id, also candidates[0]"),
        ({"colour": "red"}, "candidates[1] (gke-h100-eu): unknown field 'colour'"),
        ({"cloud": "oracle"}, "'oracle' is not one of aws, gcp, azure"),
        ({"spot": {"price": -2}}, "spot.price: negative price -2"),
        (
            {"accelerator": {"type": "nvidia-l4", "count": 0}},
            "accelerator.count: 0 is less than the minimum of 1",
        ),
    ],
)
def test_bad_catalogs_get_one_line_naming_file_entry_and_problem(
    tables: tuple[dict[str, Any], dict[str, Any]], changes: dict[str, Any], expected: str
) -> None:
    assert expected in catalog_error(tables, **changes)


def test_catalog_errors_name_the_schema_or_the_data_table_to_fix(
    tables: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    assert "placement-catalog.schema.json" in catalog_error(tables, hourly_cost=-1)
    assert "policies/data/regions.yaml" in catalog_error(tables, region="mars-1", zone=None)


def test_json_catalogs_and_accelerator_aliases(tables: tuple[dict[str, Any], dict[str, Any]]) -> None:
    entry = {**GOOD, "accelerator": {"type": "H100", "count": 8}, "region": "Europe-West4"}
    source = SourceText.from_bytes(json.dumps({"candidates": [entry]}).encode(), "catalog.json")
    (candidate,) = parse_catalog(source, *tables).candidates
    assert candidate.accelerator == "nvidia-h100-80gb"
    assert candidate.region == "europe-west4"
    assert candidate.hourly_cost == Decimal("97.1")


def test_azure_zones_are_numbers(tables: tuple[dict[str, Any], dict[str, Any]]) -> None:
    azure = {**GOOD, "cloud": "azure", "region": "swedencentral", "zone": "2", "instance_type": "ND96"}
    source = SourceText.from_bytes(yaml.safe_dump({"candidates": [azure]}).encode(), "c.yaml")
    assert parse_catalog(source, *tables).candidates[0].zone == "2"
    assert "zone 'swedencentral-a' is not in region" in catalog_error(
        tables, cloud="azure", region="swedencentral", zone="swedencentral-a"
    )


IMAGE = "image: europe-docker.pkg.dev/acme/train@sha256:" + "0" * 64 + "\n"


def workload_error(tables: tuple[dict[str, Any], dict[str, Any]], text: str, image: bool = True) -> str:
    if image and text.startswith("name: "):
        text = IMAGE + text
    with pytest.raises(InputError) as raised:
        parse_workload(SourceText.from_bytes(text.encode(), "workload.yaml"), *tables)
    return raised.value.one_line()


def test_bad_workloads(tables: tuple[dict[str, Any], dict[str, Any]]) -> None:
    assert "workload.yaml:1: top level: missing field 'name'" in workload_error(tables, "namespace: ml\n")
    assert "top level: missing field 'image'" in workload_error(tables, "name: train\n", image=False)
    assert "frameworks[0]: 'HIPAA' is not one of GDPR" in workload_error(
        tables, "name: train\nframeworks: [HIPAA]\n"
    )
    assert "workload.yaml:4: accelerator.type: unknown accelerator 'tpu-v9'" in workload_error(
        tables, "name: train\naccelerator:\n  type: tpu-v9\n  count: 1\n"
    )
    assert "constraints.regions[1]: unknown region 'atlantis-1'" in workload_error(
        tables, "name: train\nconstraints:\n  regions: [eu-west-1, atlantis-1]\n"
    )
    assert "a workload file holds one document, found 2" in workload_error(
        tables, "name: a\n---\nname: b\n", image=False
    )
    assert "name: 'Train_Job' does not match" in workload_error(tables, "name: Train_Job\n")


def test_workload_defaults_and_most_sensitive_classification(
    tables: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    text = IMAGE + "name: train\ndata:\n  classifications: [internal, special-category, personal]\n"
    workload = parse_workload(SourceText.from_bytes(text.encode(), "w.yaml"), *tables)
    assert workload.classification == "special-category"
    assert workload.namespace == "default" and workload.storage and workload.retention_days == 365
    assert workload.accelerator is None and not workload.spot_allowed and workload.cpu == 4


@pytest.mark.parametrize("name", ["placement-workload", "placement-catalog"])
def test_published_schemas_are_valid_and_match_the_framework_list(name: str) -> None:
    schema = json.loads(resources.files("gavel.engine").joinpath(f"schemas/{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    if name == "placement-workload":
        assert tuple(schema["properties"]["frameworks"]["items"]["enum"]) == FRAMEWORKS
