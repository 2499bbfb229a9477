"""moto in server mode on 127.0.0.1 for the AWS adapter and audit tests, and a proxy in front of it.

`MotoServer` runs moto's own `ThreadedMotoServer` on a free loopback port (its `start()` returns
once the socket listens); every test talks to it over HTTP with boto3's `endpoint_url`, as it
would to AWS. moto keeps its state per process, so one server per test module, reset on exit.
`seed_estate` creates the account the tests audit. `enforce_iam` switches on moto's IAM
enforcement through its `/moto-api/reset-auth` endpoint (the `INITIAL_NO_AUTH_ACTION_COUNT`
setting), so a policy that denies an action makes moto answer AccessDenied as AWS does.

`Proxy` forwards every request to moto and records the operation of each (`X-Amz-Target` for
JSON protocols, `Action` for query protocols, method and path for S3); told to throttle an
operation, it answers that operation's first N requests with AWS's throttling error instead, so
botocore's retry handling is exercised against a real HTTP exchange.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
from moto.server import ThreadedMotoServer

ACCOUNT = "123456789012"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker-training"
IMAGE = "664544806723.dkr.ecr.eu-central-1.amazonaws.com/xgboost:1.7-1"
ALLOW_ALL_BUT = """{{"Version": "2012-10-17", "Statement": [
  {{"Effect": "Allow", "Action": "*", "Resource": "*"}},
  {{"Effect": "Deny", "Action": {denied}, "Resource": "*"}}]}}"""


class MotoServer:
    """moto's threaded server on a free loopback port; a context manager that resets on exit."""

    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)

    def __enter__(self) -> MotoServer:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.enforce_iam(False)
        self._post("/moto-api/reset", b"")
        self._server.stop()

    def _post(self, path: str, body: bytes) -> None:
        headers = {"Content-Type": "text/plain"}  # a form type would leave moto's request.data empty
        request = urllib.request.Request(self.url + path, data=body, method="POST", headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def client(self, service: str, region: str = "eu-central-1", **credentials: str) -> Any:
        keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        keys.update(credentials)
        return boto3.client(service, region_name=region, endpoint_url=self.url, **keys)

    def enforce_iam(self, on: bool = True) -> None:
        """From now on, every request is authorised against moto's IAM users and policies."""
        self._post("/moto-api/reset-auth", b"0" if on else b"inf")

    @contextmanager
    def iam_enforced(self) -> Iterator[None]:
        """IAM enforcement for the block; moto's state is process-wide, so it is switched back off."""
        self.enforce_iam()
        try:
            yield
        finally:
            self.enforce_iam(False)

    def auditor(self, name: str, denied_actions: list[str]) -> dict[str, str]:
        """Credentials of an IAM user allowed everything except `denied_actions`."""
        iam = self.client("iam", "us-east-1")
        iam.create_user(UserName=name)
        iam.put_user_policy(
            UserName=name,
            PolicyName="audit",
            PolicyDocument=ALLOW_ALL_BUT.format(denied=json.dumps(denied_actions)),
        )
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


def seed_estate(server: MotoServer) -> dict[str, str]:
    """An ML account in eu-central-1 and us-east-1; returns the ARNs tests refer to.

    - `customer-lake` (eu-central-1, personal): KMS default encryption with a customer key,
      public access block on, versioning on.
    - `trade-records` (eu-central-1, records-class sec-17a-4): Object Lock in GOVERNANCE mode.
    - `raw-events-us` (us-east-1, personal): no encryption configured, no public access block.
    - a customer key with rotation on, a p3 GPU instance, an encrypted and an unencrypted volume,
      a PostgreSQL instance (personal, encrypted, public), and a SageMaker training job (reads
      customer-lake, no network isolation, no customer key) with a model behind an endpoint.
    """
    kms = server.client("kms")
    key = kms.create_key(Description="customer data", Tags=[{"TagKey": "team", "TagValue": "data"}])[
        "KeyMetadata"
    ]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.create_alias(AliasName="alias/customer-data", TargetKeyId=key["KeyId"])

    s3 = server.client("s3")
    eu = {"CreateBucketConfiguration": {"LocationConstraint": "eu-central-1"}}
    s3.create_bucket(Bucket="customer-lake", **eu)
    s3.put_bucket_encryption(
        Bucket="customer-lake",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key["Arn"],
                    }
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket="customer-lake",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_versioning(Bucket="customer-lake", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_tagging(
        Bucket="customer-lake", Tagging={"TagSet": [{"Key": "data-classification", "Value": "personal"}]}
    )
    s3.create_bucket(Bucket="trade-records", ObjectLockEnabledForBucket=True, **eu)
    s3.put_object_lock_configuration(
        Bucket="trade-records",
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Years": 1}},
        },
    )
    s3.put_bucket_tagging(
        Bucket="trade-records",
        Tagging={
            "TagSet": [
                {"Key": "records-class", "Value": "sec-17a-4"},
                {"Key": "data-classification", "Value": "confidential"},
            ]
        },
    )
    us = server.client("s3", "us-east-1")
    us.create_bucket(Bucket="raw-events-us")
    us.put_bucket_tagging(
        Bucket="raw-events-us", Tagging={"TagSet": [{"Key": "data-classification", "Value": "personal"}]}
    )

    ec2 = server.client("ec2")
    instance = ec2.run_instances(ImageId="ami-12c6146b", InstanceType="p3.2xlarge", MinCount=1, MaxCount=1)
    ec2.create_volume(AvailabilityZone="eu-central-1a", Size=100, Encrypted=True, KmsKeyId=key["Arn"])
    ec2.create_volume(AvailabilityZone="eu-central-1a", Size=100, Encrypted=False)

    server.client("rds").create_db_instance(
        DBInstanceIdentifier="crm",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        DBName="crm",
        MasterUsername="crm",
        MasterUserPassword="correct-horse-battery",
        AllocatedStorage=20,
        StorageEncrypted=True,
        KmsKeyId=key["Arn"],
        PubliclyAccessible=True,
        Tags=[{"Key": "data-classification", "Value": "personal"}],
    )

    sagemaker = server.client("sagemaker")
    sagemaker.create_training_job(
        TrainingJobName="churn-train",
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        RoleArn=ROLE,
        InputDataConfig=[
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://customer-lake/churn/"}
                },
            }
        ],
        OutputDataConfig={"S3OutputPath": "s3://customer-lake/models/"},
        ResourceConfig={"InstanceType": "ml.p3.2xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        Tags=[{"Key": "openlineage.io/job", "Value": "ml/churn-train"}],
    )
    sagemaker.create_model(
        ModelName="churn",
        PrimaryContainer={
            "Image": IMAGE,
            "ModelDataUrl": "s3://customer-lake/models/churn-train/output/model.tar.gz",
        },
        ExecutionRoleArn=ROLE,
    )
    sagemaker.create_endpoint_config(
        EndpointConfigName="churn-v1",
        ProductionVariants=[
            {
                "VariantName": "v1",
                "ModelName": "churn",
                "InstanceType": "ml.g4dn.xlarge",
                "InitialInstanceCount": 1,
            }
        ],
    )
    sagemaker.create_endpoint(EndpointName="churn", EndpointConfigName="churn-v1")
    return {
        "key": key["Arn"],
        "key_id": key["KeyId"],
        "instance": instance["Instances"][0]["InstanceId"],
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `Proxy.operations` instead."""

    def _relay(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        operation = _operation(self.command, self.path, self.headers, body)
        proxy = self.server.proxy
        with proxy.lock:
            proxy.operations.append(operation)
            throttled = proxy.throttle.get(operation, 0) > 0
            if throttled:
                proxy.throttle[operation] -= 1
        if throttled:
            self._answer(*_throttling_error(self.headers, operation))
            return
        request = urllib.request.Request(
            proxy.upstream + self.path,
            data=body if self.command in ("POST", "PUT") else None,
            method=self.command,
            headers={k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                self._answer(response.status, response.headers.get("Content-Type", ""), response.read())
        except urllib.error.HTTPError as error:
            self._answer(error.code, error.headers.get("Content-Type", ""), error.read())

    def _answer(self, status: int, content_type: str, payload: bytes) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self._relay()

    def do_POST(self) -> None:
        self._relay()

    def do_PUT(self) -> None:
        self._relay()

    def do_HEAD(self) -> None:
        self._relay()


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    proxy: Proxy


def _operation(method: str, path: str, headers: Any, body: bytes) -> str:
    target = headers.get("X-Amz-Target")
    if target:
        return str(target).rsplit(".", 1)[-1]
    action = parse_qs(body.decode("utf-8", "replace")).get("Action") or parse_qs(urlsplit(path).query).get(
        "Action"
    )
    if action:
        return action[0]
    parts = urlsplit(path)
    return f"{method} {parts.path}" + (f"?{parts.query.split('=')[0]}" if parts.query else "")


def _throttling_error(headers: Any, operation: str) -> tuple[int, str, bytes]:
    """AWS's answer to a throttled call: JSON for JSON protocols, XML for S3 and query protocols."""
    if headers.get("X-Amz-Target"):
        return (
            400,
            "application/x-amz-json-1.1",
            b'{"__type": "ThrottlingException", "message": "Rate exceeded"}',
        )
    if operation.startswith(("GET ", "PUT ", "HEAD ")):
        return (
            503,
            "application/xml",
            b"<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>",
        )
    return (
        400,
        "text/xml",
        b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
        b"</Error><RequestId>0</RequestId></ErrorResponse>",
    )


class Proxy:
    """A recording, optionally throttling, HTTP proxy to `upstream` on a free loopback port."""

    def __init__(self, upstream: str, throttle: dict[str, int] | None = None) -> None:
        self.upstream = upstream
        self.throttle = dict(throttle or {})
        self.operations: list[str] = []
        self.lock = threading.Lock()
        self._server = _ProxyServer(("127.0.0.1", 0), _Handler)
        self._server.proxy = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def count(self, operation: str) -> int:
        return self.operations.count(operation)

    def __enter__(self) -> Proxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def closed_port_url() -> str:
    """A loopback URL nothing listens on (the port was bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@contextmanager
def proxied(upstream: str, throttle: dict[str, int] | None = None) -> Iterator[Proxy]:
    with Proxy(upstream, throttle) as proxy:
        yield proxy
