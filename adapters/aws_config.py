"""AWS resources as AWS Config configuration items, from Config exports or from live collection.

Every AWS resource gavel judges has the shape of an AWS Config configuration item (`resourceType`,
`resourceId`, `awsRegion`, `tags`, `configuration`, `supplementaryConfiguration`), whether it was
read from a Config snapshot delivered to S3, a `get-resource-config-history` or
`select-resource-config` answer, a Config rule's invoking event, or collected live through boto3
(`adapters.aws`). One shape means one set of policies for both, and policies written against
Config's documented schema. The kind is the Config resource type (`AWS::S3::Bucket`); SageMaker
training jobs and endpoints, which Config does not record, use the same naming
(`AWS::SageMaker::TrainingJob`, `AWS::SageMaker::Endpoint`) with the Describe API response as
`configuration`.

History answers carry `configuration` and each supplementary value as JSON strings (the S3 ACL
even twice encoded); snapshots carry objects. Items are normalised to objects here, so a policy
reads `attributes.supplementaryConfiguration.ServerSideEncryptionConfiguration.rules` either way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.errors import InputError, SourceLocation
from ..engine.identities import (
    LINEAGE_JOB_LABEL,
    instance_type_key,
    job_key,
    kms_key,
    resource_key,
    run_key,
    storage_key,
)
from ..engine.models import Link, Provenance, Resource
from .collected import DocumentResources, FileReading, opener
from .labels import flatten_labels
from .sources import Document, SourceText

ADAPTER_NAME = "aws-config"
# Items of resources that no longer exist, or that Config stopped recording, are not judged.
GONE = ("ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded")
POSTGRES_ENGINES = ("postgres", "aurora-postgresql")

Item = dict[str, Any]
ProvenanceOf = Callable[[Mapping[str, Any]], Provenance]


def normalise_item(item: Mapping[str, Any]) -> Item:
    """An item with `configuration` and supplementary values as objects, tags as a map."""
    normalised = dict(item)
    normalised["configuration"] = _decoded(item.get("configuration"))
    supplementary = item.get("supplementaryConfiguration")
    if isinstance(supplementary, Mapping):
        normalised["supplementaryConfiguration"] = {k: _decoded(v) for k, v in supplementary.items()}
    normalised["tags"] = _tags(normalised)
    return normalised


def _decoded(value: Any) -> Any:
    """JSON text decoded (repeatedly: Config double-encodes the S3 ACL); other values unchanged."""
    while isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    return value


def _tags(item: Mapping[str, Any]) -> dict[str, str]:
    """The item's `tags` map, else the `Tags` list KMS items carry as `{tagKey, tagValue}`."""
    tags = item.get("tags")
    if isinstance(tags, Mapping) and tags:
        return flatten_labels(tags)
    listed = (item.get("supplementaryConfiguration") or {}).get("Tags")
    if isinstance(listed, list):
        return flatten_labels(
            [{"key": t.get("tagKey"), "value": t.get("tagValue")} for t in listed if isinstance(t, Mapping)]
        )
    return {}


def is_config_item(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("resourceType"), str)
        and value["resourceType"].startswith("AWS::")
    )


def configuration(item: Mapping[str, Any]) -> Mapping[str, Any]:
    value = item.get("configuration")
    return value if isinstance(value, Mapping) else {}


def supplementary(item: Mapping[str, Any], name: str) -> Any:
    return (item.get("supplementaryConfiguration") or {}).get(name)


def resource_from_item(item: Item, provenance: Provenance, extra_links: Sequence[Link] = ()) -> Resource:
    """One normalised configuration item as a resource, with its identity keys and links."""
    kind = str(item["resourceType"])
    region = item.get("awsRegion") if isinstance(item.get("awsRegion"), str) else None
    name = str(item.get("resourceName") or item.get("resourceId") or "")
    identities, links = _keys(kind, item)
    return Resource(
        id=resource_id(item),
        kind=kind,
        name=name,
        platform="aws",
        attributes=item,
        provenance=provenance,
        labels=item.get("tags") or {},
        region=region,
        identities=tuple(dict.fromkeys(identities)),
        links=tuple(dict.fromkeys([*links, *extra_links])),
    )


def resource_id(item: Mapping[str, Any]) -> str:
    """`aws:<arn>`, else `aws:<type>/<region>/<resource id>` for items without an ARN."""
    arn = item.get("arn") or configuration(item).get("arn")
    if arn:
        return f"aws:{arn}"
    return f"aws:{item['resourceType']}/{item.get('awsRegion') or '-'}/{item.get('resourceId')}"


def _keys(kind: str, item: Mapping[str, Any]) -> tuple[list[str], list[Link]]:
    config = configuration(item)
    identities: list[str] = []
    keys: list[Any] = []
    links: list[Link] = []
    if kind == "AWS::S3::Bucket":
        bucket = storage_key(f"s3://{item.get('resourceName') or config.get('name')}")
        identities += [bucket] if bucket else []
        rules = (supplementary(item, "ServerSideEncryptionConfiguration") or {}).get("rules") or []
        keys = [(r.get("applyServerSideEncryptionByDefault") or {}).get("kmsMasterKeyID") for r in rules]
    elif kind == "AWS::KMS::Key":
        aliases = supplementary(item, "Aliases") or []
        names = [a.get(f) for a in aliases if isinstance(a, Mapping) for f in ("aliasName", "aliasArn")]
        identities += [
            kms_key(k) for k in (config.get("keyId"), config.get("arn"), item.get("arn"), *names) if k
        ]
    elif kind in ("AWS::EC2::Volume", "AWS::RDS::DBInstance", "AWS::RDS::DBCluster"):
        keys = [config.get("kmsKeyId")]
        identities += _database_storage(config)
    elif kind == "AWS::EC2::Instance" and config.get("instanceType"):
        links.append(Link("runs_on", instance_type_key(str(config["instanceType"]))))
    elif kind == "AWS::SageMaker::TrainingJob":
        identities, links, keys = _training_job(item, config)
    elif kind == "AWS::SageMaker::Model":
        links += _storage_links("stored_in", [c.get("ModelDataUrl") for c in _containers(config)])
    elif kind == "AWS::SageMaker::EndpointConfig":
        keys = [config.get("KmsKeyId")]
        links += [Link("runs_on", instance_type_key(t)) for t in _variant_instance_types(config)]
    links += [Link("encrypted_by", kms_key(str(key))) for key in keys if key]
    return identities, links


def _training_job(
    item: Mapping[str, Any], config: Mapping[str, Any]
) -> tuple[list[str], list[Link], list[Any]]:
    name = str(config.get("TrainingJobName") or item.get("resourceName"))
    identities = [run_key(name)]
    job = (item.get("tags") or {}).get(LINEAGE_JOB_LABEL, "")
    if "/" in job:
        namespace, job_name = job.split("/", 1)
        identities.append(job_key(namespace, job_name))
    resources = config.get("ResourceConfig") or {}
    output = config.get("OutputDataConfig") or {}
    channels = [
        ((c.get("DataSource") or {}).get("S3DataSource") or {}) for c in config.get("InputDataConfig") or []
    ]
    links = [
        *(
            [Link("runs_on", instance_type_key(str(resources["InstanceType"])))]
            if resources.get("InstanceType")
            else []
        ),
        *_storage_links("reads", [c.get("S3Uri") for c in channels]),
        *_storage_links("writes", [output.get("S3OutputPath")]),
    ]
    return identities, links, [resources.get("VolumeKmsKeyId"), output.get("KmsKeyId")]


def _containers(config: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    primary = config.get("PrimaryContainer")
    return [c for c in [primary, *(config.get("Containers") or [])] if isinstance(c, Mapping)]


def _variant_instance_types(config: Mapping[str, Any]) -> list[str]:
    return [str(v["InstanceType"]) for v in config.get("ProductionVariants") or [] if v.get("InstanceType")]


def _storage_links(edge: str, uris: Iterable[Any]) -> list[Link]:
    keys = [storage_key(uri) for uri in uris if isinstance(uri, str)]
    return [Link(edge, key) for key in keys if key]


def _database_storage(config: Mapping[str, Any]) -> list[str]:
    """`storage:postgres://host:port/db` (and without the database) for PostgreSQL instances."""
    endpoint = config.get("endpoint")
    if config.get("engine") not in POSTGRES_ENGINES or not isinstance(endpoint, Mapping):
        return []
    authority = f"{endpoint.get('address')}:{endpoint.get('port')}"
    keys = [
        storage_key(f"postgres://{authority}/{config.get('dBName') or ''}"),
        storage_key(f"postgres://{authority}"),
    ]
    return [key for key in keys if key]


def deployments(items: Sequence[Mapping[str, Any]]) -> dict[int, list[Link]]:
    """`serves` links of SageMaker endpoints to the models behind them, by item position.

    An endpoint names its config and the config names the models, by name within one account
    and region; the join is made over the items collected together (one export, one audit).
    The links target the models' own resource ids, so the graph reads `model deployed_as endpoint`.
    """

    def scope(item: Mapping[str, Any], name: Any) -> tuple[str, str, str]:
        return (str(item.get("accountId")), str(item.get("awsRegion")), str(name))

    def of_type(kind: str) -> list[tuple[int, Mapping[str, Any]]]:
        return [(i, item) for i, item in enumerate(items) if item.get("resourceType") == kind]

    models = {
        scope(m, configuration(m).get("ModelName") or m.get("resourceName")): resource_id(m)
        for _, m in of_type("AWS::SageMaker::Model")
    }
    variants = {
        scope(c, configuration(c).get("EndpointConfigName")): [
            scope(c, v.get("ModelName")) for v in configuration(c).get("ProductionVariants") or []
        ]
        for _, c in of_type("AWS::SageMaker::EndpointConfig")
    }
    links: dict[int, list[Link]] = {}
    for position, endpoint in of_type("AWS::SageMaker::Endpoint"):
        for model in variants.get(scope(endpoint, configuration(endpoint).get("EndpointConfigName")), []):
            if model in models:
                links.setdefault(position, []).append(Link("serves", resource_key(models[model])))
    return links


def resources_from_items(items: Sequence[Item], provenance_of: ProvenanceOf) -> Iterator[Resource]:
    """Resources for normalised items collected together, endpoints linked to their models."""
    served = deployments(items)
    for position, item in enumerate(items):
        yield resource_from_item(item, provenance_of(item), served.get(position, []))


def recognises(documents: Sequence[Document]) -> bool:
    return any(_looks_like_export(document.value) for document in documents)


def _looks_like_export(value: Any) -> bool:
    if isinstance(value, list):
        return any(is_config_item(v) for v in value[:10])
    if not isinstance(value, Mapping):
        return False
    if is_config_item(value) or isinstance(value.get("configurationItems"), list):
        return True
    event = value.get("invokingEvent")
    if isinstance(event, str):
        return '"configurationItem' in event
    rows = value.get("Results")
    return isinstance(rows, list) and any(isinstance(r, str) and '"resourceType"' in r for r in rows[:10])


@dataclass(frozen=True)
class AwsConfigExport(DocumentResources):
    """The configuration items of one file: a snapshot, a history or select answer, an event."""

    name: str = ADAPTER_NAME

    @classmethod
    def normalise_documents(cls, documents: Sequence[Document], reading: FileReading) -> Iterator[Resource]:
        items: list[tuple[Item, int]] = []
        for document in documents:
            for candidate in _candidates(document.value, reading.source):
                reason = _rejection(candidate)
                if reason is None:
                    items.append((normalise_item(candidate), document.line))
                else:
                    reading.reject(reason, document.line)
        lines = {id(item): line for item, line in items}

        def provenance(item: Mapping[str, Any]) -> Provenance:
            return reading.provenance(ADAPTER_NAME, lines[id(item)])

        return resources_from_items([item for item, _ in items], provenance)


open_export = opener(AwsConfigExport)


def _candidates(value: Any, source: SourceText) -> list[Any]:
    """The configuration items a document holds, whatever wrapper the export put around them."""
    if isinstance(value, list):
        return [c for v in value for c in _candidates(v, source)]
    if not isinstance(value, Mapping):
        return [value]
    if isinstance(value.get("configurationItems"), list):
        return list(value["configurationItems"])
    if isinstance(value.get("invokingEvent"), str):
        event = _decoded(value["invokingEvent"])
        if not isinstance(event, Mapping):
            raise InputError("invokingEvent is not a JSON object", SourceLocation(source.name))
        return [event.get("configurationItem")]
    if isinstance(value.get("Results"), list):
        return [_decoded(row) for row in value["Results"]]
    return [value]


def _rejection(candidate: Any) -> str | None:
    if not isinstance(candidate, Mapping):
        return "not an AWS Config configuration item (expected an object with resourceType)"
    if not is_config_item(candidate):
        return "configuration item has no AWS resourceType (select resourceType in the query)"
    if candidate.get("configurationItemStatus") in GONE:
        status = candidate["configurationItemStatus"]
        return f"{candidate['resourceType']} {candidate.get('resourceId')}: {status}"
    if not (candidate.get("resourceId") or candidate.get("resourceName") or candidate.get("arn")):
        return f"{candidate['resourceType']} item names no resourceId, resourceName or arn"
    return None
