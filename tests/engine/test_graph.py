"""The estate graph over a real cross-layer estate (lineage, Kubernetes, Terraform, MLflow, GX), and
the joining rules the real documents do not reach."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gavel.adapters.detect import collect_paths
from gavel.engine.estate import Edge, Estate, build_estate
from gavel.engine.graph import resolve
from gavel.engine.identities import lineage_job_key, storage_key
from gavel.engine.models import Link, Provenance, Resource

ESTATE = Path(__file__).parents[1] / "data" / "engine" / "graph" / "ml-platform"
NOW = datetime(2025, 11, 24, 12, 0, tzinfo=UTC)

JOB = "kubernetes:ml-training/Job/finetune-support-tickets"
LINEAGE_JOB = "openlineage:job:ml-training/finetune-support-tickets"
TICKETS = "openlineage:dataset:s3://acme-support-tickets/tickets/2025"
FEATURES = "openlineage:dataset:s3://acme-features/churn/2025-11"
DIAGNOSES = "openlineage:dataset:s3://clinic-lake/diagnoses/2025"
BUCKET = "terraform:aws_s3_bucket.features"
MODEL = "terraform:aws_sagemaker_model.diagnosis"
VERSION = "mlflow:model/churn/3"
RUN = "mlflow:run/5f8c2b9a7d2e4c1f9b0a3e6d8c7b1a20"


@pytest.fixture(scope="module")
def estate() -> Estate:
    return build_estate(collect_paths([ESTATE], collected_at=NOW).resources)


def edges(estate: Estate) -> set[tuple[str, str, str, str | None]]:
    return {(e.source, e.type, e.target, e.via) for e in estate.edges}


def test_a_workload_runs_the_lineage_job_it_names_and_inherits_its_reads_and_writes(estate: Estate) -> None:
    found = edges(estate)
    assert (JOB, "runs", LINEAGE_JOB, None) in found
    assert (JOB, "reads", TICKETS, LINEAGE_JOB) in found
    assert (
        JOB,
        "writes",
        "openlineage:dataset:s3://acme-ml-models/support-assistant/v7",
        LINEAGE_JOB,
    ) in found
    assert (LINEAGE_JOB, "runs", JOB, None) not in found


def test_the_workload_runs_on_the_node_pool_a_terraform_plan_creates(estate: Estate) -> None:
    assert (JOB, "runs_on", "terraform:google_container_node_pool.gpu", None) in edges(estate)


def test_datasets_are_stored_in_the_bucket_and_validated_by_gx(estate: Estate) -> None:
    found = edges(estate)
    assert (FEATURES, "stored_in", BUCKET, None) in found
    assert ("gx:titanic/1234/2025-11-21T04:10:00+00:00", "validates", FEATURES, None) in found


def test_models_are_trained_on_what_their_training_job_or_run_read(estate: Estate) -> None:
    found = edges(estate)
    assert (MODEL, "trained_on", DIAGNOSES, "openlineage:job:ml/train-diagnosis") in found
    assert (VERSION, "trained_on", FEATURES, RUN) in found
    assert not [
        e
        for e in estate.edges
        if e.type == "trained_on" and e.target.startswith(("mlflow:run", "openlineage:job"))
    ]


def test_an_endpoint_serving_a_model_becomes_the_models_deployed_as_edge(estate: Estate) -> None:
    assert (MODEL, "deployed_as", "terraform:aws_sagemaker_endpoint_configuration.diagnosis", None) in edges(
        estate
    )


def test_terraform_references_resolve_to_resources_of_the_same_plan(estate: Estate) -> None:
    sse = "terraform:aws_s3_bucket_server_side_encryption_configuration.features"
    found = edges(estate)
    assert (sse, "configures", BUCKET, None) in found
    assert (sse, "encrypted_by", "terraform:aws_kms_key.features", None) in found
    assert ("terraform:aws_s3_bucket_lifecycle_configuration.features", "configures", BUCKET, None) in found


def test_volumes_lead_to_the_storage_class_and_its_key(estate: Estate) -> None:
    claim = "kubernetes:ml-training/PersistentVolumeClaim/checkpoints"
    found = edges(estate)
    assert (JOB, "mounts", claim, None) in found
    assert (claim, "stored_in", "kubernetes:_/StorageClass/encrypted-rwo", None) in found
    key = "kms:projects/acme-ml/locations/us-central1/keyRings/ml/cryptoKeys/checkpoints"
    assert estate.unresolved["kubernetes:_/StorageClass/encrypted-rwo"] == (Link("encrypted_by", key),)


def test_links_to_nothing_collected_are_kept_as_unresolved(estate: Estate) -> None:
    assert estate.unresolved[TICKETS] == (Link("stored_in", "storage:s3://acme-support-tickets"),)
    endpoint = "terraform:aws_sagemaker_endpoint_configuration.diagnosis"
    assert estate.unresolved[endpoint] == (Link("runs_on", "instance-type:ml.g5.xlarge"),)
    assert BUCKET not in estate.unresolved


def test_classification_flows_to_readers_and_models_with_the_reason(estate: Estate) -> None:
    assert estate.classification[JOB] == "personal"
    assert estate.reasons[JOB] == (f"reads {TICKETS} (personal) via {LINEAGE_JOB}",)
    assert estate.classification[MODEL] == "special-category"
    assert estate.reasons[MODEL] == (
        f"trained on {DIAGNOSES} (special-category) via openlineage:job:ml/train-diagnosis",
    )
    assert estate.input_document(JOB)["classification"] == "personal"


def test_classification_does_not_flow_into_storage_or_written_datasets(estate: Estate) -> None:
    assert estate.classification[BUCKET] is None
    assert estate.classification[FEATURES] is None
    assert estate.classification[VERSION] is None


def test_the_estate_document_indexes_edges_both_ways(estate: Estate) -> None:
    document = estate.to_document()
    assert document["out"][JOB]["reads"] == [TICKETS]
    assert document["in"][TICKETS]["reads"] == [LINEAGE_JOB, JOB]
    assert document["in"][BUCKET]["configures"] == [
        "terraform:aws_s3_bucket_server_side_encryption_configuration.features",
        "terraform:aws_s3_bucket_lifecycle_configuration.features",
    ]
    assert document["upstream"][FEATURES] == ["openlineage:dataset:s3://acme-crm/customers"]
    assert {"type": "runs_on", "target": "instance-type:ml.g5.xlarge"} in document["unresolved"][
        "terraform:aws_sagemaker_endpoint_configuration.diagnosis"
    ]
    assert Edge(JOB, TICKETS, "reads", via=LINEAGE_JOB) in estate.edges
    assert "edges" not in document  # rules follow `out` and `in`; the runtime parses less
    assert document["resources"][JOB]["identities"] == ["job:ml-training/finetune-support-tickets"]


def test_the_graph_is_deterministic_in_collection_order() -> None:
    resources = collect_paths([ESTATE], collected_at=NOW).resources
    first, again = build_estate(resources), build_estate(resources)
    assert first.edges == again.edges
    reordered = build_estate(tuple(reversed(resources)))
    assert set(reordered.edges) == set(first.edges)
    assert reordered.classification == first.classification


# The joining rules, on resources built directly.


def resource(rid: str, *, platform: str = "kubernetes", source: str = "a.yaml", **fields: object) -> Resource:
    provenance = Provenance("test", source, "sha256:0", NOW)
    return Resource(
        id=rid, kind="Thing", name=rid, platform=platform, attributes={}, provenance=provenance, **fields
    )  # type: ignore[arg-type]


def test_the_lineage_platform_job_is_run_even_when_a_task_declares_its_own_writes() -> None:
    job = resource(
        "ol", platform="openlineage", identities=("job:etl/load",), links=(Link("reads", "dataset:d"),)
    )
    task = resource(
        "task", platform="argo", identities=("job:etl/load",), links=(Link("writes", "storage:s3://out"),)
    )
    data = resource("d", platform="openlineage", identities=("dataset:d",))
    graph = resolve({r.id: r for r in (job, task, data)})
    assert Edge("task", "ol", "runs") in graph.edges
    assert Edge("task", "d", "reads", via="ol") in graph.edges
    assert graph.unresolved["task"] == (Link("writes", "storage:s3://out"),)


def test_an_explicit_runs_link_joins_a_workload_to_a_job() -> None:
    job = resource(
        "ol", platform="openlineage", identities=("job:etl/load",), links=(Link("writes", "dataset:d"),)
    )
    pod = resource("pod", links=(Link("runs", "job:etl/load"), Link("runs", "job:etl/missing")))
    data = resource("d", platform="openlineage", identities=("dataset:d",))
    graph = resolve({r.id: r for r in (job, pod, data)})
    assert [e for e in graph.edges if e.source == "pod"] == [
        Edge("pod", "ol", "runs"),
        Edge("pod", "d", "writes", "ol"),
    ]
    assert graph.unresolved["pod"] == (Link("runs", "job:etl/missing"),)


def test_training_on_a_job_without_recorded_inputs_traces_nothing() -> None:
    job = resource("ol", platform="openlineage", identities=("job:ml/train",))
    model = resource("model", identities=("model:churn",), links=(Link("trained_on", "job:ml/train"),))
    graph = resolve({r.id: r for r in (job, model)})
    assert graph.edges == ()
    assert graph.unresolved["model"] == (Link("trained_on", "job:ml/train"),)


def test_an_uncollected_dataset_still_names_its_bucket() -> None:
    bucket = resource("bucket", platform="terraform", identities=("storage:s3://lake",))
    job = resource("job", platform="openlineage", links=(Link("writes", "dataset:s3://lake/out/part-0"),))
    graph = resolve({r.id: r for r in (bucket, job)})
    assert graph.edges == (Edge("job", "bucket", "writes"),)


def test_resource_keys_prefer_the_linking_resources_own_file() -> None:
    """The same Terraform address in two plans: each bucket is encrypted by its own plan's key."""
    resources = [
        resource("terraform:aws_kms_key.k", platform="terraform", source="a.json"),
        resource(
            "terraform:aws_s3_bucket.b",
            source="a.json",
            links=(Link("encrypted_by", "resource:terraform:aws_kms_key.k"),),
        ),
        resource("terraform:aws_kms_key.k", platform="terraform", source="b.json"),
        resource(
            "terraform:aws_s3_bucket.b",
            source="b.json",
            links=(Link("encrypted_by", "resource:terraform:aws_kms_key.k"),),
        ),
    ]
    estate = build_estate(resources)
    assert [(e.source, e.target) for e in estate.edges] == [
        ("terraform:aws_s3_bucket.b", "terraform:aws_kms_key.k"),
        ("terraform:aws_s3_bucket.b@b.json", "terraform:aws_kms_key.k@b.json"),
    ]


def test_most_sensitive_classification_wins_and_every_reason_at_that_level_is_kept() -> None:
    datasets = [
        resource(
            f"d{level}",
            platform="openlineage",
            identities=(f"dataset:{level}",),
            labels={"data-classification": level},
        )
        for level in ("personal", "internal", "special-category")
    ]
    job = resource(
        "job",
        platform="openlineage",
        labels={"classification": "special-category"},
        links=tuple(
            Link("reads", f"dataset:{level}") for level in ("personal", "internal", "special-category")
        ),
    )
    estate = build_estate([*datasets, job])
    assert estate.classification["job"] == "special-category"
    assert estate.reasons["job"] == (
        "label classification=special-category",
        "reads dspecial-category (special-category)",
    )


def test_a_namespace_label_classifies_its_workloads_with_the_reason() -> None:
    namespace = Resource(
        id="kubernetes:_/Namespace/ml",
        kind="Namespace",
        name="ml",
        platform="kubernetes",
        attributes={},
        provenance=Provenance("test", "ns.yaml", "sha256:0", NOW),
        labels={"data-classification": "personal"},
    )
    pod = resource("pod", namespace="ml")
    estate = build_estate([namespace, pod])
    assert estate.reasons["pod"] == ("namespace ml label data-classification=personal",)


def test_identity_helpers() -> None:
    assert lineage_job_key("etl/load", "ml", "pod") == "job:etl/load"
    assert lineage_job_key("load", "ml", "pod") == "job:ml/load"
    assert lineage_job_key(None, "ml", "pod") == "job:ml/pod"
    assert (
        storage_key("postgres://db.internal:5432/shop.public.orders")
        == "storage:postgres://db.internal:5432/shop"
    )
    assert storage_key("s3a://Lake/x") == "storage:s3://lake"
