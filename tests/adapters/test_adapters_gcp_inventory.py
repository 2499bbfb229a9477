"""Cloud Asset Inventory exports, read from the real assets of tests/data/adapters/gcp-cai/
(GoogleCloudPlatform/policy-library validator fixtures and terraform-google-conversion output)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gavel.adapters.detect import collect_paths, detect_kind
from gavel.adapters.gcp_inventory import AssetInventoryExport
from gavel.adapters.sources import SourceText, parse_documents
from gavel.engine.errors import InputError
from gavel.engine.models import Link, Resource

CAI = Path(__file__).parents[1] / "data" / "adapters" / "gcp-cai"
FIXTURES = CAI / "policy-library" / "validator" / "test" / "fixtures"
BUCKETS = FIXTURES / "storage_bucket_policy_only" / "assets" / "data.json"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def load(path: Path, *, strict: bool = False) -> AssetInventoryExport:
    source = SourceText.from_bytes(path.read_bytes(), str(path))
    return AssetInventoryExport.from_documents(source, parse_documents(source), NOW, strict=strict)


def by_name(path: Path) -> dict[str, Resource]:
    return {r.name: r for r in load(path).collect()}


def test_buckets_keep_the_asset_and_answer_to_their_gs_uri() -> None:
    buckets = by_name(BUCKETS)
    bucket = buckets["my-storage-bucket-with-bucketpolicyonly"]
    assert bucket.id == "gcp://storage.googleapis.com/my-storage-bucket-with-bucketpolicyonly"
    assert bucket.kind == "storage.googleapis.com/Bucket"
    assert bucket.platform == "gcp"
    assert bucket.region == "us-central1"
    assert bucket.attributes["resource"]["data"]["iamConfiguration"]["bucketPolicyOnly"]["enabled"] is True
    assert bucket.identities == ("storage:gs://my-storage-bucket-with-bucketpolicyonly",)
    key = "kms:projects/andresolarte-gke-ent/locations/us/keyRings/us-ring/cryptoKeys/key1"
    assert bucket.links == (Link("encrypted_by", key),)
    assert bucket.provenance.adapter == "gcp-asset-inventory"
    assert bucket.provenance.source == str(BUCKETS)


def test_labels_and_multi_region_locations() -> None:
    (bucket,) = load(CAI / "terraform-google-conversion" / "full_storage_bucket.json").collect()
    assert bucket.labels == {"label_foo1": "label-bar1"}
    assert bucket.region == "eu"


def test_kms_keys_take_their_region_from_the_name() -> None:
    keys = by_name(FIXTURES / "cmek_settings" / "assets" / "data.json")
    key = keys[
        "projects/test-project/locations/us-central1/keyRings/test-key-ring/cryptoKeys/rotation-30-days"
    ]
    assert key.kind == "cloudkms.googleapis.com/CryptoKey"
    assert key.region == "us-central1"
    assert key.identities == (
        "kms:projects/test-project/locations/us-central1/keyRings/test-key-ring/cryptoKeys/rotation-30-days",
    )
    assert len(list(load(FIXTURES / "cmek_settings" / "assets" / "data.json").collect())) == 8


def test_instances_run_on_their_machine_type_in_their_zone() -> None:
    instances = list(load(FIXTURES / "compute_zone" / "assets" / "instances" / "data.json").collect())
    assert {r.region for r in instances} == {"us-east1-b", "us-east1-c", "us-west1-b"}
    assert Link("runs_on", "instance-type:g1-small") in instances[0].links


def test_cloud_sql_region_and_iam_policy_assets() -> None:
    (first, *_) = load(FIXTURES / "sql_location" / "assets" / "sql_instances" / "data.json").collect()
    assert first.region == "asia-southeast1"
    projects = list(load(FIXTURES / "iam_allowed_policy_member_domains" / "assets" / "data.json").collect())
    assert projects[0].region is None
    assert projects[0].attributes["iam_policy"]["bindings"][0]["role"] == "roles/cloudasset.serviceAgent"


def test_json_lines_exports_with_camel_case_fields(tmp_path: Path) -> None:
    assets = json.loads(BUCKETS.read_text())
    lines = []
    for asset in assets:
        camel = {"name": asset["name"], "assetType": asset["asset_type"], "resource": asset["resource"]}
        lines.append(json.dumps(camel))
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(lines) + "\n")
    collection = collect_paths([export], collected_at=NOW)
    assert [r.kind for r in collection.resources] == ["storage.googleapis.com/Bucket"] * len(assets)
    assert collection.resources[1].provenance.line == 2


def test_exports_are_detected_before_other_kinds() -> None:
    for path in sorted(CAI.rglob("*.json")):
        assert detect_kind(path, path.read_text()) == "gcp-assets", path


def test_non_assets_are_skipped_or_errors_under_strict(tmp_path: Path) -> None:
    assets = json.loads(BUCKETS.read_text())
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps([assets[0], {"name": "not-an-asset"}]))
    export = load(mixed)
    assert len(list(export.collect())) == 1
    assert [s.reason for s in export.skipped] == [
        "not a Cloud Asset Inventory asset (expected name and asset_type)"
    ]
    with pytest.raises(InputError) as raised:
        load(mixed, strict=True)
    assert (
        raised.value.one_line()
        == f"{mixed}:1: not a Cloud Asset Inventory asset (expected name and asset_type)"
    )
