"""Identity keys and links of Kubernetes objects (adapters/kubernetes_links.py) on real manifests."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path

import yaml

from gavel.adapters.kubernetes import KubernetesManifests, resource_from_object
from gavel.engine.models import Link, Provenance, Resource

DATA = Path(__file__).parents[1] / "data"
SAMPLES = DATA / "adapters" / "kubernetes" / "kubernetes-engine-samples" / "ai-ml"
EXAMPLES = DATA / "adapters" / "kubernetes" / "kubernetes-examples"
GRAPH = DATA / "engine" / "graph" / "ml-platform"
COLLECTED_AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def resources(path: Path) -> dict[str, Resource]:
    manifests = KubernetesManifests.from_bytes(path.read_bytes(), str(path), COLLECTED_AT)
    return {resource.id: resource for resource in manifests.collect()}


def from_object(obj: dict[str, object]) -> Resource:
    return resource_from_object(obj, Provenance("kubernetes", "inline.yaml", "sha256:0", COLLECTED_AT))


def test_a_workload_without_an_annotation_runs_the_job_of_its_own_name() -> None:
    job = resources(SAMPLES / "llm-finetuning-gemma" / "finetune.yaml")["kubernetes:default/Job/finetune-job"]
    assert job.identities == ("job:default/finetune-job",)
    assert job.links == ()


def test_the_annotation_names_the_lineage_job_and_the_node_selector_the_pool() -> None:
    job = resources(GRAPH / "job.finetune-support-tickets.yaml")[
        "kubernetes:ml-training/Job/finetune-support-tickets"
    ]
    assert job.identities == ("job:ml-training/finetune-support-tickets",)
    assert job.links == (
        Link("runs_on", "nodepool:gpu-pool"),
        Link("mounts", "resource:kubernetes:ml-training/PersistentVolumeClaim/checkpoints"),
    )


def test_pod_template_label_with_a_bare_job_name_stays_in_the_namespace() -> None:
    document = yaml.safe_load((SAMPLES / "llm-finetuning-gemma" / "finetune.yaml").read_text())
    document["spec"]["template"]["metadata"]["labels"] = {"openlineage.io/job": "sft"}
    assert from_object(document).identities == ("job:default/sft",)


def test_required_affinity_terms_pin_instance_types_and_preferred_ones_do_not() -> None:
    document = yaml.safe_load((EXAMPLES / "AI" / "vllm-deployment" / "vllm-deployment.yaml").read_text())
    original = copy.deepcopy(document)
    match = {
        "key": "node.kubernetes.io/instance-type",
        "operator": "In",
        "values": ["p4d.24xlarge", "p5.48xlarge"],
    }
    document["spec"]["template"]["spec"]["affinity"] = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [match]}]
            },
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 1,
                    "preference": {
                        "matchExpressions": [{**match, "key": "karpenter.sh/nodepool", "values": ["spot"]}]
                    },
                }
            ],
        }
    }
    deployment = from_object(document)
    assert deployment.links == (
        Link("runs_on", "instance-type:p4d.24xlarge"),
        Link("runs_on", "instance-type:p5.48xlarge"),
    )
    assert from_object(original).links == ()


def test_claims_mounted_and_ephemeral_claim_templates() -> None:
    serving = resources(EXAMPLES / "AI" / "model-serving-tensorflow" / "deployment.yaml")
    assert next(iter(serving.values())).links == (
        Link("mounts", "resource:kubernetes:_/PersistentVolumeClaim/my-model-pvc"),
    )
    tgi = resources(SAMPLES / "llm-multiple-gpus" / "llama3-70b" / "text-generation-inference.yaml")
    deployment = next(r for r in tgi.values() if r.kind == "Deployment")
    assert deployment.links == (Link("mounts", "resource:kubernetes:_/StorageClass/premium-rwo"),)


def test_a_claim_is_stored_in_its_class_and_the_class_encrypted_by_its_key() -> None:
    found = resources(GRAPH / "pvc.checkpoints.yaml")
    assert found["kubernetes:ml-training/PersistentVolumeClaim/checkpoints"].links == (
        Link("stored_in", "resource:kubernetes:_/StorageClass/encrypted-rwo"),
    )
    key = "kms:projects/acme-ml/locations/us-central1/keyRings/ml/cryptoKeys/checkpoints"
    assert found["kubernetes:_/StorageClass/encrypted-rwo"].links == (Link("encrypted_by", key),)


def test_objects_that_join_nothing_declare_nothing() -> None:
    for resource in resources(
        EXAMPLES / "web" / "guestbook" / "all-in-one" / "guestbook-all-in-one.yaml"
    ).values():
        if resource.kind == "Service":
            assert (resource.identities, resource.links) == ((), ())
