"""Reading one AWS region through boto3 into AWS Config configuration items, service by service.

Each collector lists a service's resources page by page and describes each one into the item
shape AWS Config records (`adapters.aws_config`): the Describe response with keys in Config's
lower camel case as `configuration` for EC2, EBS, RDS and KMS, and SageMaker's Describe
responses as they are (Config keeps SageMaker in the API's own case too). S3 has its own module
(`aws_s3`). A listing call that fails ends that
service in that region (the caller reports it); a describe call that fails for one resource
leaves that resource out, reported, so nothing is judged on half its settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .aws_config import Item

# Page size limits of the list operations (the API rejects a page size outside them). ListBuckets
# is left at its default, every bucket in one answer (the paginator still follows a
# ContinuationToken): some S3-compatible servers honour MaxBuckets but never return the token.
PAGE_LIMITS = {
    "list_keys": (1, 1000),
    "list_aliases": (1, 100),
    "describe_instances": (5, 1000),
    "describe_volumes": (5, 500),
    "describe_db_instances": (20, 100),
    "list_training_jobs": (1, 100),
    "list_models": (1, 100),
    "list_endpoint_configs": (1, 100),
    "list_endpoints": (1, 100),
}
PAGE_SIZE_PARAMETER = {"describe_db_instances": "MaxRecords"}
GONE_STATES = ("terminated", "shutting-down", "deleted", "deleting")


@dataclass(frozen=True)
class Scope:
    """One account and region being read: how to get a client, and where to report skips."""

    account: str
    region: str
    captured_at: str
    page_size: int
    client: Callable[[str, str], Any]
    skip: Callable[[str, str, BaseException], None]

    def pages(self, service: str, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
        """Every element of `key` over all pages of a list operation in this region."""
        client = self.client(service, self.region)
        config: dict[str, int] = {}
        if operation in PAGE_LIMITS:
            low, high = PAGE_LIMITS[operation]
            size = max(low, min(high, self.page_size))
            if operation in PAGE_SIZE_PARAMETER:
                kwargs[PAGE_SIZE_PARAMETER[operation]] = size
            else:
                config["PageSize"] = size
        for page in client.get_paginator(operation).paginate(**kwargs, PaginationConfig=config):
            yield from page.get(key) or []

    def item(
        self,
        resource_type: str,
        resource_id: str,
        *,
        name: str,
        arn: str | None,
        configuration: Mapping[str, Any],
        supplementary: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
        region: str | None = None,
        availability_zone: str = "Regional",
    ) -> Item:
        return {
            "version": "1.3",
            "accountId": self.account,
            "configurationItemCaptureTime": self.captured_at,
            "configurationItemStatus": "OK",
            "resourceType": resource_type,
            "resourceId": resource_id,
            "resourceName": name,
            "arn": arn,
            "awsRegion": region or self.region,
            "availabilityZone": availability_zone,
            "tags": dict(tags or {}),
            "relationships": [],
            "configuration": dict(configuration),
            "supplementaryConfiguration": dict(supplementary or {}),
        }


def plain(value: Any) -> Any:
    """A boto3 answer as JSON values: datetimes as ISO 8601, the response metadata dropped."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def config_case(value: Any) -> Any:
    """Keys in AWS Config's case: the first letter lowered (DBInstanceIdentifier -> dBInstanceIdentifier)."""
    if isinstance(value, Mapping):
        return {(k[:1].lower() + k[1:]): config_case(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [config_case(v) for v in value]
    return plain(value)


def tag_map(tags: Any, key: str = "Key", value: str = "Value") -> dict[str, str]:
    return {str(t[key]): str(t.get(value, "")) for t in tags or [] if isinstance(t, Mapping) and key in t}


def error_code(error: BaseException) -> str:
    response = getattr(error, "response", None) or {}
    return str((response.get("Error") or {}).get("Code") or "")


# --- regional services ---


def kms_keys(scope: Scope) -> Iterator[Item]:
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    kms = scope.client("kms", scope.region)
    aliases: dict[str, list[dict[str, Any]]] = {}
    for alias in scope.pages("kms", "list_aliases", "Aliases"):
        if alias.get("TargetKeyId"):
            entry = {"aliasName": alias.get("AliasName"), "aliasArn": alias.get("AliasArn")}
            aliases.setdefault(str(alias["TargetKeyId"]), []).append(entry)
    for key in scope.pages("kms", "list_keys", "Keys"):
        key_id = str(key["KeyId"])
        try:
            metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
            supplementary: dict[str, Any] = {"Aliases": aliases.get(key_id, [])}
            if metadata.get("KeyManager") == "CUSTOMER":
                tags = kms.list_resource_tags(KeyId=key_id).get("Tags") or []
                supplementary["Tags"] = [{"tagKey": t["TagKey"], "tagValue": t["TagValue"]} for t in tags]
            if metadata.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT":
                rotation = kms.get_key_rotation_status(KeyId=key_id)
                supplementary["KeyRotationStatus"] = bool(rotation.get("KeyRotationEnabled"))
                if rotation.get("RotationPeriodInDays"):
                    supplementary["RotationPeriodInDays"] = rotation["RotationPeriodInDays"]
        except ClientError as error:
            scope.skip("kms", key_id, error)
            continue
        yield scope.item(
            "AWS::KMS::Key",
            key_id,
            name=key_id,
            arn=metadata.get("Arn"),
            configuration=config_case(metadata),
            supplementary=supplementary,
            tags=tag_map(supplementary.get("Tags"), "tagKey", "tagValue"),
        )


def ec2_instances(scope: Scope) -> Iterator[Item]:
    for reservation in scope.pages("ec2", "describe_instances", "Reservations"):
        for instance in reservation.get("Instances") or []:
            if (instance.get("State") or {}).get("Name") in GONE_STATES:
                continue
            instance_id = str(instance["InstanceId"])
            yield scope.item(
                "AWS::EC2::Instance",
                instance_id,
                name=instance_id,
                arn=f"arn:aws:ec2:{scope.region}:{scope.account}:instance/{instance_id}",
                configuration=config_case(instance),
                tags=tag_map(instance.get("Tags")),
                availability_zone=str(
                    (instance.get("Placement") or {}).get("AvailabilityZone") or "Regional"
                ),
            )


def ebs_volumes(scope: Scope) -> Iterator[Item]:
    for volume in scope.pages("ec2", "describe_volumes", "Volumes"):
        if volume.get("State") in GONE_STATES:
            continue
        volume_id = str(volume["VolumeId"])
        yield scope.item(
            "AWS::EC2::Volume",
            volume_id,
            name=volume_id,
            arn=f"arn:aws:ec2:{scope.region}:{scope.account}:volume/{volume_id}",
            configuration=config_case(volume),
            tags=tag_map(volume.get("Tags")),
            availability_zone=str(volume.get("AvailabilityZone") or "Regional"),
        )


def rds_instances(scope: Scope) -> Iterator[Item]:
    for instance in scope.pages("rds", "describe_db_instances", "DBInstances"):
        yield scope.item(
            "AWS::RDS::DBInstance",
            str(instance.get("DbiResourceId") or instance["DBInstanceIdentifier"]),
            name=str(instance["DBInstanceIdentifier"]),
            arn=instance.get("DBInstanceArn"),
            configuration=config_case(instance),
            tags=tag_map(instance.get("TagList")),
            availability_zone=str(instance.get("AvailabilityZone") or "Regional"),
        )


# SageMaker kind -> (list operation, list key, name field, describe operation, describe parameter, ARN field)
SAGEMAKER = {
    "AWS::SageMaker::TrainingJob": (
        "list_training_jobs",
        "TrainingJobSummaries",
        "TrainingJobName",
        "describe_training_job",
        "TrainingJobArn",
    ),
    "AWS::SageMaker::Model": ("list_models", "Models", "ModelName", "describe_model", "ModelArn"),
    "AWS::SageMaker::EndpointConfig": (
        "list_endpoint_configs",
        "EndpointConfigs",
        "EndpointConfigName",
        "describe_endpoint_config",
        "EndpointConfigArn",
    ),
    "AWS::SageMaker::Endpoint": (
        "list_endpoints",
        "Endpoints",
        "EndpointName",
        "describe_endpoint",
        "EndpointArn",
    ),
}


def sagemaker(kind: str) -> Callable[[Scope], Iterator[Item]]:
    """The collector of one SageMaker resource kind: list, describe each, read its tags."""
    list_operation, key, name_field, describe, arn_field = SAGEMAKER[kind]

    def collect(scope: Scope) -> Iterator[Item]:
        from botocore.exceptions import ClientError

        client = scope.client("sagemaker", scope.region)
        for summary in scope.pages("sagemaker", list_operation, key):
            name = str(summary[name_field])
            try:
                described = plain(getattr(client, describe)(**{name_field: name}))
                arn = described.get(arn_field)
                tags = [
                    t
                    for page in client.get_paginator("list_tags").paginate(ResourceArn=arn)
                    for t in page["Tags"]
                ]
            except ClientError as error:
                scope.skip("sagemaker", name, error)
                continue
            yield scope.item(kind, name, name=name, arn=arn, configuration=described, tags=tag_map(tags))

    return collect


# service -> (what it collects, collector), in collection order; S3 is global, the rest per region.
REGIONAL: dict[str, tuple[tuple[str, Callable[[Scope], Iterator[Item]]], ...]] = {
    "kms": (("AWS::KMS::Key", kms_keys),),
    "ec2": (("AWS::EC2::Instance", ec2_instances), ("AWS::EC2::Volume", ebs_volumes)),
    "rds": (("AWS::RDS::DBInstance", rds_instances),),
    "sagemaker": tuple((kind, sagemaker(kind)) for kind in SAGEMAKER),
}
