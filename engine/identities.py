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
- `endpoint:<name>`: a model serving endpoint (a SageMaker or Vertex endpoint).
- `run:<id>`: a training run (an MLflow run id, a SageMaker training job name).
- `nodepool:<name>` and `instance-type:<name>`: where compute runs. A node pool answers to its
  name and to its machine type; a VM or instance answers to its type.
- `resource:<gavel resource id>`: every resource answers to its own id (`resource_key`), for
  links an adapter resolves inside one document (a Terraform reference to a key created in the
  same plan, a PVC's StorageClass). Among several resources with that id (the same address in
  two plans), the one from the linking resource's own file wins.

Links (`Link(type, target)`, declared by the resource they start from; `EDGE_TYPES`):

- `reads` / `writes`: a lineage job to `dataset:` keys (or straight to `storage:` keys). A
  `dataset:` key nothing answers to resolves to the storage its URI names, if collected.
- `stored_in`: a dataset to its `storage:` key; a `dataset:` identity whose value is a storage
  URI (`dataset:s3://lake/users`) gets this link implicitly.
- `encrypted_by`: storage, volumes, endpoints to `kms:` keys (every form the document holds;
  a key resource answers to every form it knows: ARN, key id, `alias/...`).
- `runs_on`: a workload, task or training job to `nodepool:` / `instance-type:` keys.
- `trained_on`: a model or model version to `dataset:` keys, or to the `job:` / `run:` key of
  the job or run that trained it (the graph expands that to what it reads; one with no recorded
  inputs traces nothing and the link stays unresolved).
- `deployed_as`: a model to what serves it. The serving side usually knows the model, so it
  may declare the inverse, `serves` -> `model:` / `model-version:` (see `INVERSE_LINK_TYPES`).
- `validates`: a data-quality result (Great Expectations) to the `dataset:` key it checked.
- `runs`: a workload to the `job:` key it runs, when it does not share the key as an identity.
- `configures`: a settings resource to what it configures (an S3 encryption or lifecycle
  configuration to its bucket, a KMS alias to its key).
- `mounts`: a workload to the volume claims it mounts (a claim is `stored_in` its StorageClass).

Joining layers (DESIGN.md section 3): a workload, pipeline task or cloud training job names the
lineage job it runs with the annotation/label/tag `openlineage.io/job` = `<namespace>/<name>`
(`LINEAGE_JOB_LABEL`), and answers to `lineage_job_key(...)`. Among the resources answering to
one `job:` key, the lineage job is the one on the `LINEAGE_PLATFORM` (the OpenLineage adapter's
job; without one, those declaring `reads`/`writes`); every other one `runs` it and inherits its
reads and writes (the inherited edge records the job it came through). Pods are pinned to node
pools and machine types by the node labels in `NODE_POOL_LABELS` and `INSTANCE_TYPE_LABELS`.
A link nothing answers to is kept as unresolved (`data.gavel.estate.unresolved`), and data
classification flows one step along `reads` and `trained_on` (engine/estate.py).
"""

from __future__ import annotations

from urllib.parse import urlsplit

EDGE_TYPES = (
    "reads",
    "writes",
    "runs_on",
    "stored_in",
    "encrypted_by",
    "trained_on",
    "deployed_as",
    "validates",
    "runs",
    "configures",
    "mounts",
)
"""The typed edges of the estate graph, read as `<source> <type> <target>`."""

INVERSE_LINK_TYPES = {"serves": "deployed_as"}
"""Links declared by an edge's target: `X serves model:m` becomes the edge `m deployed_as X`."""

LINEAGE_JOB_LABEL = "openlineage.io/job"
"""Annotation, label or tag naming the lineage job a workload runs, `<namespace>/<name>`."""

LINEAGE_PLATFORM = "openlineage"
"""`Resource.platform` of the lineage jobs and datasets the OpenLineage adapter builds."""

NODE_POOL_LABELS = (
    "cloud.google.com/gke-nodepool",
    "eks.amazonaws.com/nodegroup",
    "kubernetes.azure.com/agentpool",
    "karpenter.sh/nodepool",
)
"""Node labels naming a node pool (GKE, EKS, AKS, Karpenter): a selector on one -> `nodepool:`."""

INSTANCE_TYPE_LABELS = ("node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type")
"""Node labels naming a machine type: a selector on one -> `instance-type:`."""

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
    name is part of the identity, since one host serves many: the first path segment, up to a
    dot (OpenLineage names a table `<database>.<schema>.<table>`).
    """
    parts = urlsplit(uri.strip())
    scheme = _STORAGE_SCHEMES.get(parts.scheme.lower())
    if scheme is None or not parts.netloc:
        return None
    authority = parts.netloc.lower().rsplit("@", 1)[-1] if scheme != "abfss" else parts.netloc.lower()
    if scheme == "postgres":
        database = parts.path.strip("/").split("/", 1)[0].split(".", 1)[0]
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


def endpoint_key(name: str) -> str:
    return f"endpoint:{name}"


def run_key(run_id: str) -> str:
    return f"run:{run_id}"


def nodepool_key(name: str) -> str:
    return f"nodepool:{name}"


def instance_type_key(name: str) -> str:
    return f"instance-type:{name}"


def resource_key(resource_id: str) -> str:
    return f"resource:{resource_id}"


def lineage_job_key(reference: str | None, namespace: str, name: str) -> str:
    """The `job:` key of what a workload runs.

    `reference` is its `openlineage.io/job` value: `<namespace>/<name>`, or a bare job name in
    the workload's own namespace (Kubernetes label values cannot hold a `/`). Without one, the
    workload runs the job of its own name in its own namespace.
    """
    reference = (reference or "").strip()
    if "/" in reference:
        return f"job:{reference}"
    return job_key(namespace, reference or name)
