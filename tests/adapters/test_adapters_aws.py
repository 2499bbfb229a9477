"""The AWS adapters: live collection through boto3 against moto in server mode on loopback (a
real HTTP endpoint), and AWS Config exports from the real configuration items of
tests/data/adapters/aws-config/ (cloud-custodian's recorded Config data)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aws_moto import CREDENTIALS, MotoServer, closed_port_url, proxied, seed_estate

from gavel.adapters.aws import AwsAccount, RetryPolicy, connect
from gavel.adapters.aws_config import AwsConfigExport
from gavel.adapters.detect import collect_paths, detect_kind
from gavel.adapters.sources import SourceText, parse_documents
from gavel.engine.errors import InputError
from gavel.engine.models import Link, Resource

CONFIG = Path(__file__).parents[1] / "data" / "adapters" / "aws-config" / "cloud-custodian" / "tests" / "data"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
REGIONS = ("eu-central-1", "us-east-1")


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture(scope="module")
def seeded(moto: MotoServer) -> dict[str, str]:
    return seed_estate(moto)


def audit(url: str, *, page_size: int = 500, retry: RetryPolicy | None = None) -> AwsAccount:
    connection = connect(None, REGIONS[0], url, retry or RetryPolicy())
    return AwsAccount(connection, REGIONS, NOW, page_size=page_size)


def by_name(resources: list[Resource]) -> dict[tuple[str, str], Resource]:
    return {(r.kind, r.name): r for r in resources}


def test_every_service_is_read_into_config_items(moto: MotoServer, seeded: dict[str, str]) -> None:
    account = audit(moto.url)
    resources = by_name(list(account.collect()))
    assert account.skipped == []
    lake = resources["AWS::S3::Bucket", "customer-lake"]
    assert lake.id == "aws:arn:aws:s3:::customer-lake"
    assert lake.region == "eu-central-1"
    assert lake.labels == {"data-classification": "personal"}
    supplementary = lake.attributes["supplementaryConfiguration"]
    rule = supplementary["ServerSideEncryptionConfiguration"]["rules"][0][
        "applyServerSideEncryptionByDefault"
    ]
    assert rule == {"sseAlgorithm": "aws:kms", "kmsMasterKeyID": seeded["key"]}
    assert supplementary["PublicAccessBlockConfiguration"]["restrictPublicBuckets"] is True
    assert supplementary["BucketVersioningConfiguration"]["status"] == "Enabled"
    assert lake.identities == ("storage:s3://customer-lake",)
    assert lake.links == (Link("encrypted_by", f"kms:{seeded['key']}"),)

    lock = resources["AWS::S3::Bucket", "trade-records"].attributes["supplementaryConfiguration"]
    assert lock["ObjectLockConfiguration"]["rule"]["defaultRetention"]["mode"] == "GOVERNANCE"
    us = resources["AWS::S3::Bucket", "raw-events-us"]
    assert us.region == "us-east-1"
    assert "ServerSideEncryptionConfiguration" not in us.attributes["supplementaryConfiguration"]

    key = resources["AWS::KMS::Key", seeded["key_id"]]
    assert key.attributes["supplementaryConfiguration"]["KeyRotationStatus"] is True
    assert key.attributes["configuration"]["keyManager"] == "CUSTOMER"
    assert f"kms:{seeded['key']}" in key.identities
    assert "kms:alias/customer-data" in key.identities

    gpu = resources["AWS::EC2::Instance", seeded["instance"]]
    assert gpu.attributes["configuration"]["instanceType"] == "p3.2xlarge"
    assert gpu.links == (Link("runs_on", "instance-type:p3.2xlarge"),)
    volumes = [r for (kind, _), r in resources.items() if kind == "AWS::EC2::Volume"]
    # the two created, and the instance's root volume
    assert sorted(v.attributes["configuration"]["encrypted"] for v in volumes) == [False, False, True]

    crm = resources["AWS::RDS::DBInstance", "crm"]
    assert crm.attributes["configuration"]["storageEncrypted"] is True
    assert crm.attributes["configuration"]["publiclyAccessible"] is True
    assert any(i.startswith("storage:postgres://") and i.endswith("/crm") for i in crm.identities)

    job = resources["AWS::SageMaker::TrainingJob", "churn-train"]
    assert job.identities == ("run:churn-train", "job:ml/churn-train")
    assert Link("reads", "storage:s3://customer-lake") in job.links
    assert Link("runs_on", "instance-type:ml.p3.2xlarge") in job.links
    model = resources["AWS::SageMaker::Model", "churn"]
    endpoint = resources["AWS::SageMaker::Endpoint", "churn"]
    assert Link("serves", f"resource:{model.id}") in endpoint.links
    assert account.describe()["resources"]["AWS::S3::Bucket"] == 3


def test_resources_carry_provenance_with_a_digest_of_the_item(
    moto: MotoServer, seeded: dict[str, str]
) -> None:
    lake = by_name(list(audit(moto.url).collect()))["AWS::S3::Bucket", "customer-lake"]
    assert lake.provenance.adapter == "aws"
    assert lake.provenance.source == "aws://123456789012/eu-central-1/AWS::S3::Bucket/customer-lake"
    assert lake.provenance.source_digest.startswith("sha256:")
    assert lake.provenance.collected_at == NOW


def test_pages_are_followed(moto: MotoServer, seeded: dict[str, str]) -> None:
    sagemaker = moto.client("sagemaker")
    variant = {
        "VariantName": "v1",
        "ModelName": "churn",
        "InstanceType": "ml.m5.large",
        "InitialInstanceCount": 1,
    }
    for name in ("churn-v2", "churn-v3"):
        sagemaker.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[variant])
    with proxied(moto.url) as proxy:
        whole = sorted(r.id for r in audit(proxy.url).collect())
        in_one_page = proxy.count("ListEndpointConfigs")
        proxy.operations.clear()
        paged = sorted(r.id for r in audit(proxy.url, page_size=1).collect())
    assert paged == whole
    assert len([rid for rid in paged if ":endpoint-config/" in rid]) == 3
    assert in_one_page == len(REGIONS)
    # three configs one per page in eu-central-1, one (empty) page in us-east-1
    assert proxy.count("ListEndpointConfigs") == 3 + 1


def test_throttled_calls_are_retried_by_botocore(moto: MotoServer, seeded: dict[str, str]) -> None:
    with proxied(moto.url, throttle={"ListKeys": 2, "GET /": 2}) as proxy:
        resources = list(audit(proxy.url, retry=RetryPolicy("standard", 3)).collect())
    assert proxy.count("ListKeys") == 2 + len(REGIONS)
    assert proxy.count("GET /") == 3
    assert {r.kind for r in resources} >= {"AWS::KMS::Key", "AWS::S3::Bucket"}


def test_throttling_beyond_the_attempts_is_reported_and_the_rest_collected(
    moto: MotoServer, seeded: dict[str, str]
) -> None:
    with proxied(moto.url, throttle={"ListKeys": 5}) as proxy:
        account = audit(proxy.url, retry=RetryPolicy("adaptive", 2))
        kinds = {r.kind for r in account.collect()}
    assert "AWS::KMS::Key" not in kinds
    assert "AWS::S3::Bucket" in kinds
    assert str(account.skipped[0]) == (
        "aws://123456789012/eu-central-1/kms/AWS::KMS::Key: skipped: kms:ListKeys in eu-central-1 "
        "failed (ThrottlingException): Rate exceeded"
    )


def test_a_denied_call_is_reported_and_the_rest_is_collected(
    moto: MotoServer, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    auditor = moto.auditor("adapter-auditor", ["rds:DescribeDBInstances", "sagemaker:DescribeModel"])
    for name, value in auditor.items():
        monkeypatch.setenv(name, value)
    with moto.iam_enforced():
        account = audit(moto.url)
        resources = by_name(list(account.collect()))
    skipped = sorted(str(s) for s in account.skipped)
    assert len(skipped) == 3
    assert skipped[0].startswith(
        "aws://123456789012/eu-central-1/rds/AWS::RDS::DBInstance: skipped: "
        "rds:DescribeDBInstances in eu-central-1 denied (AccessDenied): "
    )
    assert skipped[1].startswith(
        "aws://123456789012/eu-central-1/sagemaker/churn: skipped: "
        "sagemaker:DescribeModel in eu-central-1 denied"
    )
    assert skipped[2].startswith("aws://123456789012/us-east-1/rds/AWS::RDS::DBInstance: skipped: rds:")
    assert ("AWS::RDS::DBInstance", "crm") not in resources
    assert ("AWS::SageMaker::Model", "churn") not in resources
    assert ("AWS::S3::Bucket", "customer-lake") in resources
    assert ("AWS::SageMaker::TrainingJob", "churn-train") in resources


def test_refused_credentials_are_one_input_error(moto: MotoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNKEY000000")
    with moto.iam_enforced(), pytest.raises(InputError) as raised:
        connect(None, "eu-central-1", moto.url)
    assert raised.value.exit_code == 4
    assert raised.value.one_line().startswith(
        f"{moto.url}: AWS refused the credentials: InvalidClientTokenId"
    )


def test_an_unreachable_endpoint_is_one_input_error() -> None:
    url = closed_port_url()
    with pytest.raises(InputError) as raised:
        connect(None, "eu-central-1", url, RetryPolicy("standard", 1))
    assert raised.value.one_line().startswith(f"{url}: cannot use AWS: Could not connect to the endpoint URL")


# --- AWS Config exports ---


def collect(path: Path) -> AwsConfigExport:
    source = SourceText.from_bytes(path.read_bytes(), str(path))
    return AwsConfigExport.from_documents(source, parse_documents(source), NOW)


def test_a_history_item_is_normalised_to_objects() -> None:
    (bucket,) = collect(CONFIG / "config" / "s3.json").collect()
    assert bucket.kind == "AWS::S3::Bucket"
    assert bucket.region == "us-east-2"
    assert bucket.labels == {"Planet": "Earth", "Verbose": "Game"}
    supplementary = bucket.attributes["supplementaryConfiguration"]
    assert supplementary["BucketVersioningConfiguration"] == {"status": "Off", "isMfaDeleteEnabled": None}
    assert supplementary["IsRequesterPaysEnabled"] is False
    assert supplementary["AccessControlList"]["owner"]["id"].startswith("e7c8bb65")
    assert bucket.attributes["configuration"]["name"] == "config-rule-sanity"
    assert bucket.identities == ("storage:s3://config-rule-sanity",)


def test_lifecycle_rules_and_history_answers() -> None:
    (bucket,) = collect(CONFIG / "config" / "s3-lifecycle.json").collect()
    rules = bucket.attributes["supplementaryConfiguration"]["BucketLifecycleConfiguration"]["rules"]
    assert rules[0]["noncurrentVersionExpirationInDays"] == 545
    (cluster,) = collect(CONFIG / "config" / "rds-cluster.json").collect()
    assert cluster.kind == "AWS::RDS::DBCluster"
    assert cluster.attributes["configuration"]["storageEncrypted"] is True
    key = "kms:arn:aws:kms:us-east-1:644160558196:key/b10f842a-feb7-4318-92d5-0640a75b7688"
    assert cluster.links == (Link("encrypted_by", key),)


def test_a_config_rule_invoking_event() -> None:
    (instance,) = collect(CONFIG / "config" / "rds-from-rule.json").collect()
    assert instance.kind == "AWS::RDS::DBInstance"
    assert instance.name == "c7n-data-index"
    assert "storage:postgres://c7n-data-index.cz6wy8cci3uf.us-east-1.rds.amazonaws.com:5432/c7ndata" in (
        instance.identities
    )


def test_select_resource_config_rows_without_a_type_are_reported(tmp_path: Path) -> None:
    recorded = json.loads(
        (CONFIG / "placebo" / "test_kms_config_source" / "config.SelectResourceConfig_1.json").read_text()
    )
    answer = tmp_path / "select.json"
    answer.write_text(json.dumps(recorded["data"]))
    export = collect(answer)
    assert list(export.collect()) == []
    assert [s.reason for s in export.skipped] == [
        "configuration item has no AWS resourceType (select resourceType in the query)"
    ]
    row = json.loads(recorded["data"]["Results"][0])
    row.update(resourceType="AWS::KMS::Key", awsRegion="us-east-2")
    answer.write_text(json.dumps({"Results": [json.dumps(row)]}))
    (key,) = collect(answer).collect()
    assert key.labels == {"ConfigTesting": "Test"}
    assert key.attributes["supplementaryConfiguration"]["KeyRotationStatus"] is False
    assert "kms:9975ba19-f8ff-444b-9c21-8d42cc6dc45b" in key.identities


def test_deleted_resources_are_skipped_not_judged(tmp_path: Path) -> None:
    item = json.loads((CONFIG / "config" / "s3.json").read_text())
    item["configurationItemStatus"] = "ResourceDeleted"
    path = tmp_path / "deleted.json"
    path.write_text(json.dumps({"configurationItems": [item]}))
    export = collect(path)
    assert list(export.collect()) == []
    assert [s.reason for s in export.skipped] == ["AWS::S3::Bucket config-rule-sanity: ResourceDeleted"]


def test_exports_are_detected_and_other_documents_are_not() -> None:
    for name in ("s3.json", "s3-lifecycle.json", "rds-cluster.json", "rds-from-rule.json"):
        path = CONFIG / "config" / name
        assert detect_kind(path, path.read_text()) == "aws-config"
    assert detect_kind(Path("x.json"), '{"resourceType": "Custom::Thing"}') is None


def test_collect_paths_reads_a_folder_of_exports() -> None:
    collection = collect_paths([CONFIG / "config"], collected_at=NOW)
    kinds = sorted(r.kind for r in collection.resources)
    assert kinds == [
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::RDS::DBCluster",
        "AWS::RDS::DBInstance",
        "AWS::S3::Bucket",
        "AWS::S3::Bucket",
    ]
