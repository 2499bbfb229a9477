"""Identity keys: the names under which resources from different layers find each other.

A resource lists the keys it answers to (`Resource.identities`) and the keys it points at
(`Resource.links`); the estate graph joins the two. Every adapter builds keys with these functions
and nothing else, so "the S3 bucket a dataset is stored in" and "the bucket a Terraform plan
creates" meet under the same string whatever adapter produced them (DESIGN.md section 3).

Vocabulary (`<kind>:<value>`):

- `storage:<scheme>://<authority>`: a bucket or database (`storage:s3://lake`,
  `storage:gs://lake`, `storage:abfss://container@account`, `storage:postgres://host:5432/db`).
- `dataset:<namespace>/<name>`: an OpenLineage dataset, named as its producer names it.
- `job:<namespace>/<name>`: an OpenLineage job; a workload that runs it answers to the same key.
- `kms:<key id or ARN>`: an encryption key.
- `model:<name>` and `model-version:<name>/<version>`: a registered model and one of its versions.
- `run:<id>`: a training run (an MLflow run id, a SageMaker training job name).
- `nodepool:<name>` and `instance-type:<name>`: where compute runs.
"""

from __future__ import annotations

from urllib.parse import urlsplit

EDGE_TYPES = ("reads", "writes", "runs_on", "stored_in", "encrypted_by", "trained_on", "deployed_as")
"""The typed edges of the estate graph, read as `<source> <type> <target>`."""

_STORAGE_SCHEMES = {
    "s3": "s3",
    "s3a": "s3",
    "s3n": "s3",
    "gs": "gs",
    "gcs": "gs",
    "abfs": "abfss",
    "abfss": "abfss",
    "wasb": "abfss",
    "wasbs": "abfss",
    "postgres": "postgres",
    "postgresql": "postgres",
}


def storage_key(uri: str) -> str | None:
    """The storage that holds `uri` (`s3://lake/users/part-0` -> `storage:s3://lake`), or None.

    Only the scheme and authority count: every object under a bucket and every table in a
    database resolves to the one bucket or database resource. For PostgreSQL the database
    name (the first path segment) is part of the identity, since one host serves many.
    """
    parts = urlsplit(uri.strip())
    scheme = _STORAGE_SCHEMES.get(parts.scheme.lower())
    if scheme is None or not parts.netloc:
        return None
    authority = parts.netloc.lower().rsplit("@", 1)[-1] if scheme != "abfss" else parts.netloc.lower()
    if scheme == "postgres":
        database = parts.path.strip("/").split("/", 1)[0]
        return f"storage:postgres://{authority}/{database}" if database else f"storage:postgres://{authority}"
    return f"storage:{scheme}://{authority}"


def dataset_key(namespace: str, name: str) -> str:
    return f"dataset:{namespace.rstrip('/')}/{name.lstrip('/')}"


def job_key(namespace: str, name: str) -> str:
    return f"job:{namespace}/{name}"


def kms_key(key: str) -> str:
    return f"kms:{key}"


def model_key(name: str) -> str:
    return f"model:{name}"


def model_version_key(name: str, version: str | int) -> str:
    return f"model-version:{name}/{version}"


def run_key(run_id: str) -> str:
    return f"run:{run_id}"


def nodepool_key(name: str) -> str:
    return f"nodepool:{name}"


def instance_type_key(name: str) -> str:
    return f"instance-type:{name}"
