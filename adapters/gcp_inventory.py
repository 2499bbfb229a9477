"""GCP Cloud Asset Inventory exports as resources: `gcloud asset export` JSON lines, or arrays.

Each asset keeps its export shape as attributes (`name`, `asset_type`, `resource.data`,
`iam_policy`, `ancestors`), so policies read the resource as the Google API returns it
(`attributes.resource.data.iamConfiguration`). The kind is the asset type
(`storage.googleapis.com/Bucket`). Exports written with proto field names (`asset_type`) and the
JSON API's camel case (`assetType`, from `gcloud asset list`/`search-all-resources`) are both read.
Region comes from `resource.location`, else the resource's own location, region or zone (a
GCS `US-EAST4` is `us-east4`), else the `locations/<x>` segment of its name (KMS keys). Labels
come from `labels` (Cloud SQL: `settings.userLabels`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.identities import instance_type_key, kms_key, storage_key
from ..engine.models import Link, Provenance, Resource
from .collected import DocumentResources, FileReading, opener
from .labels import flatten_labels
from .sources import Document

ADAPTER_NAME = "gcp-asset-inventory"

# Asset type -> path (through resource.data) of the customer-managed key it is encrypted with.
KMS_KEY_PATHS = {
    "storage.googleapis.com/Bucket": ("encryption", "defaultKmsKeyName"),
    "bigquery.googleapis.com/Dataset": ("defaultEncryptionConfiguration", "kmsKeyName"),
    "sqladmin.googleapis.com/Instance": ("diskEncryptionConfiguration", "kmsKeyName"),
    "compute.googleapis.com/Disk": ("diskEncryptionKey", "kmsKeyName"),
}


def field(asset: Mapping[str, Any], snake: str, camel: str) -> Any:
    return asset[snake] if snake in asset else asset.get(camel)


def asset_type(asset: Mapping[str, Any]) -> str | None:
    value = field(asset, "asset_type", "assetType")
    return value if isinstance(value, str) and ".googleapis.com/" in value else None


def is_asset(value: Any) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("name"), str) and asset_type(value) is not None


def recognises(documents: Sequence[Document]) -> bool:
    for document in documents[:10]:
        value = document.value
        if is_asset(value) or (isinstance(value, list) and any(is_asset(v) for v in value[:10])):
            return True
    return False


def data_of(asset: Mapping[str, Any]) -> Mapping[str, Any]:
    data = (asset.get("resource") or {}).get("data")
    return data if isinstance(data, Mapping) else {}


def location_of(asset: Mapping[str, Any]) -> str | None:
    """The asset's region, zone or multi-region, lower-cased; None when the asset says none."""
    data = data_of(asset)
    candidates = [(asset.get("resource") or {}).get("location"), data.get("location"), data.get("region")]
    zone = data.get("zone") or data.get("gceZone")
    if isinstance(zone, str):
        candidates.append(zone.rsplit("/", 1)[-1])
    segments = str(asset.get("name", "")).split("/")
    if "locations" in segments[:-1]:
        candidates.append(segments[segments.index("locations") + 1])
    for value in candidates:
        if isinstance(value, str) and value.strip() and value.lower() != "global":
            return value.strip().lower()
    return None


def labels_of(asset: Mapping[str, Any]) -> dict[str, str]:
    data = data_of(asset)
    return flatten_labels(data.get("labels"), (data.get("settings") or {}).get("userLabels"))


def _keys(kind: str, asset: Mapping[str, Any]) -> tuple[list[str], list[Link]]:
    data = data_of(asset)
    identities: list[str] = []
    links: list[Link] = []
    if kind == "storage.googleapis.com/Bucket":
        key = storage_key(f"gs://{data.get('name') or str(asset['name']).rsplit('/', 1)[-1]}")
        identities += [key] if key else []
    elif kind == "cloudkms.googleapis.com/CryptoKey":
        identities.append(
            kms_key(str(data.get("name") or str(asset["name"]).split("googleapis.com/", 1)[-1]))
        )
    elif kind == "compute.googleapis.com/Instance" and isinstance(data.get("machineType"), str):
        links.append(Link("runs_on", instance_type_key(data["machineType"].rsplit("/", 1)[-1])))
    if kind in KMS_KEY_PATHS:
        holder, name = KMS_KEY_PATHS[kind]
        key_name = (data.get(holder) or {}).get(name)
        if isinstance(key_name, str) and key_name:
            links.append(Link("encrypted_by", kms_key(key_name.split("/cryptoKeyVersions/", 1)[0])))
    return identities, links


def resource_from_asset(asset: Mapping[str, Any], provenance: Provenance) -> Resource:
    kind = str(asset_type(asset))
    name = str(asset["name"])
    identities, links = _keys(kind, asset)
    return Resource(
        id=f"gcp:{name}",
        kind=kind,
        name=str(data_of(asset).get("name") or name.rsplit("/", 1)[-1]),
        platform="gcp",
        attributes=asset,
        provenance=provenance,
        labels=labels_of(asset),
        region=location_of(asset),
        identities=tuple(identities),
        links=tuple(links),
    )


@dataclass(frozen=True)
class AssetInventoryExport(DocumentResources):
    """The assets of one export file; anything that is not an asset is reported as skipped."""

    name: str = ADAPTER_NAME

    @classmethod
    def normalise_documents(cls, documents: Sequence[Document], reading: FileReading) -> Iterator[Resource]:
        for document in documents:
            provenance = reading.provenance(ADAPTER_NAME, document.line)
            for value in document.value if isinstance(document.value, list) else [document.value]:
                if is_asset(value):
                    yield resource_from_asset(value, provenance)
                else:
                    reading.reject(
                        "not a Cloud Asset Inventory asset (expected name and asset_type)", document.line
                    )


open_export = opener(AssetInventoryExport)
