"""Azure Resource Graph query results as resources: the API body, `az graph query` output, arrays.

A `Resources` query answers rows of `id`, `name`, `type`, `location`, `properties`, `tags`
(and `kind`, `sku`, `resourceGroup`, `subscriptionId` when projected). The body carries them in
`data` (`{"totalRecords", "count", "resultTruncated", "data"}`; the CLI writes `total_records`
and `skip_token`); a saved array of rows is read too. Each row keeps its shape as attributes,
so policies read `attributes.properties.minimumTlsVersion` as ARM returns it. The kind is the
lower-cased type (`microsoft.storage/storageaccounts`), as Resource Graph writes it. A truncated
answer is reported: the rows it lacks were never judged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.identities import instance_type_key, kms_key
from ..engine.models import Link, Provenance, Resource
from .collected import DocumentResources, FileReading, opener
from .labels import flatten_labels
from .sources import Document

ADAPTER_NAME = "azure-resource-graph"


def is_row(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("id"), str)
        and value["id"].lower().startswith("/subscriptions/")
        and isinstance(value.get("type"), str)
        and "/" in value["type"]
    )


def _rows_of(value: Any) -> list[Any] | None:
    """The rows of a query answer, or None when the value is not one."""
    if isinstance(value, Mapping) and isinstance(value.get("data"), list):
        return list(value["data"])
    if isinstance(value, list) and any(is_row(v) for v in value[:10]):
        return value
    return None


def recognises(documents: Sequence[Document]) -> bool:
    for document in documents[:10]:
        rows = _rows_of(document.value)
        if rows and any(is_row(row) for row in rows[:10]):
            return True
    return False


def _truncation(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return None
    truncated = str(value.get("resultTruncated", "false")).lower() == "true"
    total = value.get("totalRecords", value.get("total_records"))
    if truncated or value.get("skip_token") or value.get("$skipToken"):
        rows = len(value["data"])
        return f"query answer is truncated: {rows} of {total} rows; page through with the skip token"
    return None


def _keys(kind: str, properties: Mapping[str, Any]) -> list[Link]:
    if kind == "microsoft.storage/storageaccounts":
        vault = ((properties.get("encryption") or {}).get("keyvaultproperties")) or {}
        if vault.get("keyvaulturi") and vault.get("keyname"):
            return [
                Link(
                    "encrypted_by",
                    kms_key(f"{str(vault['keyvaulturi']).rstrip('/')}/keys/{vault['keyname']}"),
                )
            ]
    if kind == "microsoft.compute/virtualmachines":
        size = (properties.get("hardwareProfile") or {}).get("vmSize")
        if isinstance(size, str):
            return [Link("runs_on", instance_type_key(size))]
    return []


def resource_from_row(row: Mapping[str, Any], provenance: Provenance) -> Resource:
    kind = str(row["type"]).lower()
    properties = row.get("properties") if isinstance(row.get("properties"), Mapping) else {}
    location = row.get("location")
    return Resource(
        id=f"azure:{row['id']}",
        kind=kind,
        name=str(row.get("name") or str(row["id"]).rsplit("/", 1)[-1]),
        platform="azure",
        attributes=row,
        provenance=provenance,
        labels=flatten_labels(row.get("tags")),
        region=location.replace(" ", "").lower() if isinstance(location, str) and location else None,
        links=tuple(_keys(kind, properties or {})),
    )


@dataclass(frozen=True)
class ResourceGraphExport(DocumentResources):
    """The rows of one saved Resource Graph answer; rows without id and type are skipped."""

    name: str = ADAPTER_NAME

    @classmethod
    def normalise_documents(cls, documents: Sequence[Document], reading: FileReading) -> Iterator[Resource]:
        for document in documents:
            rows = _rows_of(document.value)
            if rows is None:
                reading.reject("not a Resource Graph answer (expected a data array of rows)", document.line)
                continue
            truncation = _truncation(document.value)
            if truncation:
                reading.reject(truncation, document.line)
            provenance = reading.provenance(ADAPTER_NAME, document.line)
            for row in rows:
                if is_row(row):
                    yield resource_from_row(row, provenance)
                else:
                    reading.reject(
                        "row has no resource id and type (project id, type in the query)", document.line
                    )


open_export = opener(ResourceGraphExport)
