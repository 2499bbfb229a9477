"""A realistic decision over a mixed estate, shared by the report tests.

The resources are named after real documents of the test corpus (see
tests/data/reports/SOURCES.md): a Terraform plan with S3 buckets and a KMS key, a GKE node pool
with GPUs, and Kubernetes Jobs and Deployments serving and fine-tuning models.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from gavel.engine.metadata import PolicyMetadata
from gavel.engine.models import (
    Decision,
    EvidenceReceipt,
    Finding,
    GatePolicy,
    Outcome,
    Regulation,
    ResourceRef,
    Severity,
    Waiver,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "reports"
EVALUATED_AT = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
BUNDLE_DIGEST = "sha256:9f2c4e1b7a0d5c3e8f6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607"
TOOL_VERSION = "0.1.0"

PLAN = "infra/aws/bucket_sse_infra.json"
NODE_POOL_PLAN = "infra/gke/full_container_node_pool.tfplan.json"
FINETUNE = "k8s/llm-finetuning-gemma/finetune.yaml"
VLLM = "k8s/vllm-deployment/vllm-deployment.yaml"
GUESTBOOK = "k8s/guestbook/guestbook-all-in-one.yaml"

BUCKET = ResourceRef("terraform:aws_s3_bucket.unencrypted", "aws_s3_bucket", PLAN)
AES_BUCKET = ResourceRef("terraform:aws_s3_bucket.aes_encrypted", "aws_s3_bucket", PLAN)
KMS_BUCKET = ResourceRef("terraform:aws_s3_bucket.kms_encrypted", "aws_s3_bucket", PLAN)
KMS_KEY = ResourceRef("terraform:aws_kms_key.key", "aws_kms_key", PLAN)
NODE_POOL = ResourceRef(
    "terraform:google_container_node_pool.full_list_default_1", "google_container_node_pool", NODE_POOL_PLAN
)
FINETUNE_JOB = ResourceRef("kubernetes:default/Job/finetune-job", "Job", FINETUNE, 16)
VLLM_DEPLOYMENT = ResourceRef("kubernetes:default/Deployment/vllm-gemma-deployment", "Deployment", VLLM, 1)
FRONTEND = ResourceRef("kubernetes:default/Deployment/frontend", "Deployment", GUESTBOOK, 117)

S3_CMK = PolicyMetadata(
    id="s3_personal_data_cmk",
    title="S3 buckets holding personal data use a customer-managed KMS key",
    severity=Severity.HIGH,
    description="Personal data at rest must be encrypted with a key the controller manages.",
    controls=("GVL-ENC-02",),
    regulations=(Regulation("GDPR", "Art. 32(1)(a)"), Regulation("ISO-27001", "A.8.24")),
    resource_kinds=("aws_s3_bucket",),
    remediation="Set `kms_master_key_id` in the bucket's encryption rule to a customer-managed key.",
)
KMS_ROTATION = PolicyMetadata(
    id="kms_key_rotation",
    title="KMS keys rotate yearly",
    severity=Severity.MEDIUM,
    controls=("GVL-KEY-01",),
    regulations=(Regulation("NIST-800-53", "SC-12"), Regulation("CIS", "AWS 3.6")),
    resource_kinds=("aws_kms_key",),
    remediation="Set `enable_key_rotation = true`.",
)
GPU_RESIDENCY = PolicyMetadata(
    id="gpu_pool_eea_residency",
    title="Accelerators processing personal data stay in the EEA",
    severity=Severity.CRITICAL,
    description="Training and serving on personal data must run on node pools in an EEA or adequate region.",
    controls=("GVL-RES-01",),
    regulations=(Regulation("GDPR", "Art. 44"), Regulation("EU-AI-ACT", "Art. 10")),
    resource_kinds=("google_container_node_pool", "Job", "Deployment"),
    remediation="Move the node pool to an EEA region (europe-west4 has A100 and L4 GPUs).",
)
LINEAGE = PolicyMetadata(
    id="training_lineage_classified",
    title="Training jobs declare the classification of the data they read",
    severity=Severity.HIGH,
    regulations=(Regulation("GDPR", "Art. 30"), Regulation("EU-AI-ACT", "Art. 10(2)")),
    resource_kinds=("Job",),
    remediation="Annotate the job with `openlineage.io/job` so its input datasets can be traced.",
)
MEMORY_LIMITS = PolicyMetadata(
    id="workload_memory_limits",
    title="Workloads set memory limits",
    severity=Severity.MEDIUM,
    regulations=(Regulation("CIS", "Kubernetes 5.7.4"),),
    resource_kinds=("Deployment", "Job"),
)
MODEL_CARD = PolicyMetadata(
    id="model_card_annotation",
    title="Served models link a model card",
    severity=Severity.LOW,
    regulations=(Regulation("EU-AI-ACT", "Art. 11"),),
    resource_kinds=("Deployment",),
    remediation="Add the annotation `gavel.dev/model-card` with the model card's URL.",
)
POLICIES = (S3_CMK, KMS_ROTATION, GPU_RESIDENCY, LINEAGE, MEMORY_LIMITS, MODEL_CARD)

AES_WAIVER = Waiver(
    policy_id="s3_personal_data_cmk",
    selector={"resource": AES_BUCKET.id},
    reason="SSE-S3 accepted until the KMS migration (DATA-1423)",
    owner="data-platform@example.com",
    expires=date(2025, 6, 30),
    id="w-aes-bucket",
)
EXPIRED_WAIVER = Waiver(
    policy_id="kms_key_rotation",
    selector={"resource": KMS_KEY.id, "platform": "terraform"},
    reason="rotation handled by the external key manager",
    owner="security@example.com",
    expires=date(2025, 1, 31),
    id="w-kms-rotation",
)


def finding(
    policy: PolicyMetadata,
    resource: ResourceRef,
    message: str,
    *,
    outcome: Outcome = Outcome.VIOLATION,
    details: Mapping[str, Any] | None = None,
    waiver: Waiver | None = None,
) -> Finding:
    return Finding(
        policy_id=policy.id,
        title=policy.title,
        severity=policy.severity,
        outcome=outcome,
        resource=resource,
        message=message,
        controls=policy.controls,
        regulations=policy.regulations,
        remediation=policy.remediation,
        details=details or {},
        waiver=waiver,
    )


def mixed_findings() -> tuple[Finding, ...]:
    conftest_deny = Finding(
        policy_id="main/deny",
        title="main/deny",
        severity=Severity.HIGH,
        outcome=Outcome.VIOLATION,
        resource=FRONTEND,
        message="Containers must not run as root: php-redis",
    )
    return (
        finding(
            MODEL_CARD,
            VLLM_DEPLOYMENT,
            "Deployment vllm-gemma-deployment serves google/gemma-2b without a model card: "
            "100% of served models must link one, per the model register",
        ),
        finding(
            GPU_RESIDENCY,
            NODE_POOL,
            "node pool full_list_default_1 runs in us-central1 (United States: outside the EEA, no "
            "adequacy decision) but schedules training jobs that read personal data from "
            "s3://raw/eu-customers; move it to an EEA region such as europe-west4",
            details={
                "region": "us-central1",
                "expected": "an EEA region",
                "datasets": ["s3://raw/eu-customers"],
            },
        ),
        finding(
            S3_CMK,
            AES_BUCKET,
            "bucket aes_encrypted holds personal data but is encrypted with AES256, "
            "not a customer-managed key",
            waiver=AES_WAIVER,
        ),
        finding(
            LINEAGE,
            FINETUNE_JOB,
            "policy.rego:27:5: object.get: expected an object, got null",
            outcome=Outcome.ERROR,
        ),
        conftest_deny,
        finding(
            KMS_ROTATION,
            KMS_KEY,
            "KMS key `key` has enable_key_rotation = false; set it to true",
            details={"field": "enable_key_rotation", "expected": True},
        ),
        finding(
            MEMORY_LIMITS,
            VLLM_DEPLOYMENT,
            "container inference-server sets no memory limit; set resources.limits.memory",
            outcome=Outcome.WARNING,
        ),
        finding(
            GPU_RESIDENCY,
            FINETUNE_JOB,
            "Job finetune-job reads personal data and requests nvidia.com/gpu on a node pool in us-central1",
        ),
        finding(
            S3_CMK,
            BUCKET,
            "bucket unencrypted holds personal data but has no server_side_encryption_configuration",
            details={"field": "server_side_encryption_configuration", "expected": "aws:kms"},
        ),
    )


def make_mixed_decision() -> Decision:
    return Decision(
        findings=mixed_findings(),
        resources=(
            FRONTEND,
            NODE_POOL,
            BUCKET,
            AES_BUCKET,
            KMS_BUCKET,
            KMS_KEY,
            FINETUNE_JOB,
            VLLM_DEPLOYMENT,
        ),
        risk=38.0,
        gate=GatePolicy(fail_on=Severity.HIGH, max_risk=20.0),
        passed=False,
        reasons=("5 findings at or above high", "risk 38.0 exceeds the maximum 20.0"),
        expired_waivers=(EXPIRED_WAIVER,),
        policy_ids=(*(policy.id for policy in POLICIES), "main/deny"),
        bundle_digest=BUNDLE_DIGEST,
        runtime="regorus 0.13.0",
        evaluated_at=EVALUATED_AT,
    )


def make_compliant_decision() -> Decision:
    return Decision(
        findings=(),
        resources=(KMS_BUCKET, KMS_KEY, FRONTEND),
        risk=0.0,
        gate=GatePolicy(fail_on=Severity.HIGH, max_risk=20.0),
        passed=True,
        reasons=(),
        expired_waivers=(),
        policy_ids=(S3_CMK.id, KMS_ROTATION.id, MEMORY_LIMITS.id),
        bundle_digest=BUNDLE_DIGEST,
        runtime="regorus 0.13.0",
        evaluated_at=EVALUATED_AT,
    )


RECEIPT = EvidenceReceipt(
    log_index=42, record_digest="sha256:4b1f0c9d2e8a7f6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b"
)
