"""S3 buckets as AWS Config records them: one global listing, each bucket read in its own region.

Config keeps a bucket's sub-resources (default encryption, public access block, Object Lock,
policy, versioning, logging, lifecycle, tags) in `supplementaryConfiguration` with a layout of its
own, partly unlike the S3 API's (`BucketVersioningConfiguration.status` "Off", lifecycle rules
with `expirationInDays` -1 when unset). This module reads each with its Get call and writes it
in that layout, so live buckets and Config exports are judged by the same rules. A bucket whose
settings cannot all be read is left out and reported, never judged on half of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .aws_collect import Scope, config_case, error_code, plain, tag_map
from .aws_config import Item

# S3 answers these when a bucket sub-resource is simply not configured.
NOT_CONFIGURED = frozenset(
    {
        "NoSuchBucketPolicy",
        "ServerSideEncryptionConfigurationNotFoundError",
        "NoSuchPublicAccessBlockConfiguration",
        "ObjectLockConfigurationNotFoundError",
        "NoSuchLifecycleConfiguration",
        "NoSuchTagSet",
        "NoSuchTagSetError",
    }
)


class UnreadableBucketError(Exception):
    """A describe call for one resource failed; the resource is left out and reported."""


def optional(client: Any, operation: str, **kwargs: Any) -> Any:
    """The answer of a call whose "not configured" error means the setting is absent (None)."""
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    try:
        return getattr(client, operation)(**kwargs)
    except ClientError as error:
        if error_code(error) in NOT_CONFIGURED:
            return None
        raise


def bucket_region(location: Any) -> str:
    """GetBucketLocation's answer as a region: none means us-east-1, the legacy `EU` eu-west-1."""
    constraint = (location or {}).get("LocationConstraint")
    if not constraint:
        return "us-east-1"
    return "eu-west-1" if constraint == "EU" else str(constraint)


def s3_buckets(scope: Scope) -> Iterator[Item]:
    for bucket in scope.pages("s3", "list_buckets", "Buckets"):
        try:
            yield _bucket(scope, bucket)
        except UnreadableBucketError as error:
            scope.skip("s3", str(bucket["Name"]), error.__cause__ or error)


def _bucket(scope: Scope, bucket: Mapping[str, Any]) -> Item:
    from botocore.exceptions import ClientError

    name = str(bucket["Name"])
    try:
        region = bucket_region(scope.client("s3", scope.region).get_bucket_location(Bucket=name))
        s3 = scope.client("s3", region)
        answers = {
            op: optional(s3, op, Bucket=name)
            for op in (
                "get_bucket_encryption",
                "get_public_access_block",
                "get_object_lock_configuration",
                "get_bucket_policy",
                "get_bucket_versioning",
                "get_bucket_logging",
                "get_bucket_lifecycle_configuration",
                "get_bucket_tagging",
            )
        }
    except ClientError as error:
        raise UnreadableBucketError(name) from error
    tags = tag_map((answers["get_bucket_tagging"] or {}).get("TagSet"))
    supplementary = _bucket_settings(answers)
    supplementary["BucketTaggingConfiguration"] = {"tagSets": [{"tags": tags}] if tags else []}
    configuration = {"name": name, "creationDate": plain(bucket.get("CreationDate"))}
    return scope.item(
        "AWS::S3::Bucket",
        name,
        name=name,
        arn=f"arn:aws:s3:::{name}",
        configuration=configuration,
        supplementary=supplementary,
        tags=tags,
        region=region,
    )


def _bucket_settings(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The bucket's sub-resources in Config's layout; unconfigured ones are left out, as Config does."""
    settings: dict[str, Any] = {}
    encryption = (answers["get_bucket_encryption"] or {}).get("ServerSideEncryptionConfiguration")
    if encryption and encryption.get("Rules"):
        settings["ServerSideEncryptionConfiguration"] = {"rules": [_sse_rule(r) for r in encryption["Rules"]]}
    block = (answers["get_public_access_block"] or {}).get("PublicAccessBlockConfiguration")
    if block:
        settings["PublicAccessBlockConfiguration"] = config_case(block)
    lock = (answers["get_object_lock_configuration"] or {}).get("ObjectLockConfiguration")
    if lock:
        settings["ObjectLockConfiguration"] = config_case(lock)
    settings["BucketPolicy"] = {"policyText": (answers["get_bucket_policy"] or {}).get("Policy")}
    versioning = answers["get_bucket_versioning"] or {}
    settings["BucketVersioningConfiguration"] = {
        "status": versioning.get("Status") or "Off",
        "isMfaDeleteEnabled": (versioning["MFADelete"] == "Enabled") if versioning.get("MFADelete") else None,
    }
    logging = (answers["get_bucket_logging"] or {}).get("LoggingEnabled") or {}
    settings["BucketLoggingConfiguration"] = {
        "destinationBucketName": logging.get("TargetBucket"),
        "logFilePrefix": logging.get("TargetPrefix"),
    }
    rules = (answers["get_bucket_lifecycle_configuration"] or {}).get("Rules")
    if rules:
        settings["BucketLifecycleConfiguration"] = {"rules": [_lifecycle_rule(rule) for rule in rules]}
    return settings


def _sse_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    default = rule.get("ApplyServerSideEncryptionByDefault") or {}
    return {
        "applyServerSideEncryptionByDefault": {
            "sseAlgorithm": default.get("SSEAlgorithm"),
            "kmsMasterKeyID": default.get("KMSMasterKeyID"),
        },
        "bucketKeyEnabled": rule.get("BucketKeyEnabled"),
    }


def _lifecycle_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    expiration = rule.get("Expiration") or {}
    prefix = (rule.get("Filter") or {}).get("Prefix", rule.get("Prefix"))
    return {
        "id": rule.get("ID"),
        "prefix": rule.get("Prefix"),
        "status": rule.get("Status"),
        "filter": {"predicate": {"type": "LifecyclePrefixPredicate", "prefix": prefix}},
        "expirationInDays": expiration.get("Days", -1),
        "expirationDate": plain(expiration.get("Date")),
        "expiredObjectDeleteMarker": expiration.get("ExpiredObjectDeleteMarker", False),
        "noncurrentVersionExpirationInDays": (rule.get("NoncurrentVersionExpiration") or {}).get(
            "NoncurrentDays", -1
        ),
        "transitions": [
            {"days": t.get("Days"), "date": plain(t.get("Date")), "storageClass": t.get("StorageClass")}
            for t in rule.get("Transitions") or []
        ],
        "noncurrentVersionTransitions": [
            {"days": t.get("NoncurrentDays"), "storageClass": t.get("StorageClass")}
            for t in rule.get("NoncurrentVersionTransitions") or []
        ],
        "abortIncompleteMultipartUpload": {
            "daysAfterInitiation": (rule.get("AbortIncompleteMultipartUpload") or {}).get(
                "DaysAfterInitiation"
            )
        },
    }
