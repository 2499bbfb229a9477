"""Azure Resource Graph answers: the Microsoft.ResourceGraph API examples of
tests/data/adapters/azure-resource-graph/ (their `responses.200.body`), and storage accounts as
the storage API examples return them, as rows of a `Resources` query."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gavel.adapters.azure_inventory import ResourceGraphExport
from gavel.adapters.detect import collect_paths, detect_kind
from gavel.adapters.sources import SourceText, parse_documents
from gavel.engine.errors import InputError
from gavel.engine.models import Link

GRAPH = Path(__file__).parents[1] / "data" / "adapters" / "azure-resource-graph"
SPECS = GRAPH / "azure-rest-api-specs"
ANSWERS = GRAPH / "answers"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def body(name: str) -> dict[str, Any]:
    """The answer an example documents: what a saved Resource Graph result holds."""
    answer: dict[str, Any] = json.loads((SPECS / name).read_text())["responses"]["200"]["body"]
    return answer


def row(name: str) -> dict[str, Any]:
    """A storage account as a `Resources` row: Resource Graph lower-cases the type."""
    resource = body(f"storage/{name}")
    return {**resource, "type": resource["type"].lower(), "resourceGroup": resource["id"].split("/")[4]}


def save(tmp_path: Path, name: str, document: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def load(path: Path, *, strict: bool = False) -> ResourceGraphExport:
    source = SourceText.from_bytes(path.read_bytes(), str(path))
    return ResourceGraphExport.from_documents(source, parse_documents(source), NOW, strict=strict)


def test_rows_of_an_api_answer(tmp_path: Path) -> None:
    resources = list(load(save(tmp_path, "basic.json", body("ResourcesBasicQuery.json"))).collect())
    assert [r.kind for r in resources] == [
        "microsoft.network/networkinterfaces",
        "microsoft.network/virtualnetworks",
        "microsoft.network/publicipaddresses",
    ]
    nic = resources[0]
    assert nic.id == (
        "azure:/subscriptions/cfbbd179-59d2-4052-aa06-9270a38aa9d6/resourceGroups/RG1/providers/"
        "Microsoft.Network/networkInterfaces/myNetworkInterface"
    )
    assert nic.name == "myNetworkInterface"
    assert nic.platform == "azure"
    assert nic.region == "centralus"
    assert nic.labels == {"tag1": "Value1"}


def test_saved_answers_are_the_examples_bodies() -> None:
    assert json.loads((ANSWERS / "resources-basic-query.json").read_text()) == body(
        "ResourcesBasicQuery.json"
    )
    saved = json.loads((ANSWERS / "storage-accounts.json").read_text())["data"]
    assert saved == [row("StorageAccountCreate.json"), row("StorageAccountEnableCMK.json")]
    for path in ANSWERS.glob("*.json"):
        assert detect_kind(path, path.read_text()) == "azure-resource-graph"


def test_storage_accounts_keep_their_properties_and_key_vault_key() -> None:
    plain, cmk = load(ANSWERS / "storage-accounts.json").collect()
    assert plain.kind == "microsoft.storage/storageaccounts"
    assert plain.region == "eastus"
    assert plain.attributes["properties"]["minimumTlsVersion"] == "TLS1_2"
    assert plain.attributes["properties"]["allowBlobPublicAccess"] is False
    assert plain.links == ()
    assert cmk.links == (Link("encrypted_by", "kms:https://myvault8569.vault.azure.net/keys/wrappingKey"),)


def test_cli_output_and_plain_arrays(tmp_path: Path) -> None:
    rows = body("ResourcesFilterQuery.json")["data"]
    cli = {"count": 3, "data": rows, "skip_token": None, "total_records": 3}
    assert len(list(load(save(tmp_path, "cli.json", cli)).collect())) == 3
    assert [r.region for r in load(save(tmp_path, "rows.json", rows)).collect()] == [
        "centralus",
        "eastus",
        "eastus",
    ]


def test_a_truncated_answer_is_reported(tmp_path: Path) -> None:
    answer = {**body("ResourcesBasicQuery.json"), "totalRecords": 1200, "resultTruncated": "true"}
    export = load(save(tmp_path, "truncated.json", answer))
    assert len(list(export.collect())) == 3
    assert [s.reason for s in export.skipped] == [
        "query answer is truncated: 3 of 1200 rows; page through with the skip token"
    ]


def test_summaries_without_resource_rows_are_not_recognised(tmp_path: Path) -> None:
    summary = save(tmp_path, "summary.json", body("ResourcesPropertiesQuery.json"))
    assert detect_kind(summary, summary.read_text()) is None
    collection = collect_paths([summary], collected_at=NOW)
    assert collection.resources == ()
    assert collection.skipped[0].reason.startswith("not a ")


def test_rows_without_id_and_type_are_reported(tmp_path: Path) -> None:
    answer = {"data": [*body("ResourcesFilterQuery.json")["data"], {"name": "orphan"}]}
    path = save(tmp_path, "mixed.json", answer)
    assert detect_kind(path, path.read_text()) == "azure-resource-graph"
    export = load(path)
    assert len(list(export.collect())) == 3
    assert [s.reason for s in export.skipped] == [
        "row has no resource id and type (project id, type in the query)"
    ]
    with pytest.raises(InputError):
        load(path, strict=True)
