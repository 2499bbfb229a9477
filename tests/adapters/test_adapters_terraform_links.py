"""Identity keys and links of Terraform resources (adapters/terraform_links.py) on real plans."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gavel.adapters.terraform import TerraformPlan
from gavel.engine.models import Link, Resource

DATA = Path(__file__).parents[1] / "data"
PLANS = DATA / "adapters" / "terraform-plan"
GRAPH = DATA / "engine" / "graph" / "ml-platform"
COLLECTED_AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def resources(path: Path) -> dict[str, Resource]:
    plan = TerraformPlan.from_json(path.read_bytes(), str(path), COLLECTED_AT)
    return {resource.id.removeprefix("terraform:"): resource for resource in plan.collect()}


def keys(resource: Resource) -> tuple[tuple[str, ...], tuple[Link, ...]]:
    return resource.identities, resource.links


def test_bucket_encrypted_by_a_key_of_the_same_plan_through_the_configuration_reference() -> None:
    found = resources(PLANS / "regula" / "rules" / "tf" / "aws" / "s3" / "inputs" / "bucket_sse_infra.json")
    assert found["aws_s3_bucket.kms_encrypted"].links == (
        Link("encrypted_by", "resource:terraform:aws_kms_key.key"),
    )
    assert found["aws_s3_bucket.aes_encrypted"].links == ()
    assert found["aws_kms_key.key"].identities == ()


def test_kms_aliases_name_their_key_and_buckets_answer_to_their_storage_key() -> None:
    found = resources(PLANS / "checkov" / "runner" / "resources" / "plan" / "tfplan.json")
    assert keys(found["aws_kms_key.logs_key"]) == (("kms:alias/123456789123-acme-corp-logs-bucket-key",), ())
    assert found["aws_kms_alias.logs_key_alias"].links == (
        Link("configures", "resource:terraform:aws_kms_key.logs_key"),
    )
    assert keys(found["aws_s3_bucket.logs"]) == (
        ("storage:s3://123456789123-acme-corp-logs",),
        (Link("encrypted_by", "resource:terraform:aws_kms_key.logs_key"),),
    )
    assert found["aws_s3_bucket_object.data_object"].links == (
        Link("stored_in", "resource:terraform:aws_s3_bucket.data"),
    )
    assert found["aws_instance.web_host"].identities == ("instance-type:t2.nano",)
    assert keys(found["aws_security_group.web-node"]) == ((), ())


def test_settings_resources_configure_their_bucket_by_name_or_by_module_scoped_reference() -> None:
    trail = resources(
        PLANS / "regula" / "rules" / "tf" / "aws" / "cloudtrail" / "inputs" / "issue355_infra.json"
    )
    bucket = trail["aws_s3_bucket.cloudtrail"].identities[0]
    assert trail["aws_s3_bucket_policy.cloudtrail"].links == (Link("configures", bucket),)
    nested = (
        PLANS
        / "checkov"
        / "runner"
        / "resources"
        / "plan_nested_child_modules_with_connections"
        / "tfplan.json"
    )
    found = resources(nested)
    assert found["module.s3_bucket.aws_s3_bucket_acl.this[0]"].links == (
        Link("configures", "resource:terraform:module.s3_bucket.aws_s3_bucket.this[0]"),
    )
    address = "module.s3_module.module.s3_submodule.aws_s3_bucket_public_access_block.submodule_bucket"
    assert found[address].links == (
        Link(
            "configures",
            "resource:terraform:module.s3_module.module.s3_submodule.aws_s3_bucket.submodule_bucket",
        ),
    )


@pytest.mark.parametrize(
    ("plan", "address", "identities", "links"),
    [
        (
            "terraform-google-conversion/full_container_node_pool.tfplan.json",
            "google_container_node_pool.full_list_default_1",
            ("nodepool:test-node-pool", "instance-type:test-machine_type"),
            (),
        ),
        (
            "terraform-google-conversion/full_compute_instance.tfplan.json",
            "google_compute_instance.full_list_default_1",
            ("instance-type:n1-standard-1",),
            (Link("encrypted_by", "kms:test-kms_key_self_link"),),
        ),
        (
            "terraform-google-conversion/full_storage_bucket.tfplan.json",
            "google_storage_bucket.full-list-default",
            ("storage:gs://image-store-bucket",),
            (Link("encrypted_by", "kms:test-default_kms_key_name"),),
        ),
        (
            "terraform-compliance/test_issue-132/plan.out.json",
            "aws_sagemaker_notebook_instance.foo",
            (),
            (Link("runs_on", "instance-type:ml.t2.medium"),),
        ),
        (
            "terraform-compliance/test_issue-294/plan.out.json",
            "module.linuxservers-fail.azurerm_virtual_machine.vm-linux[0]",
            ("instance-type:Standard_D2s_v3",),
            (),
        ),
    ],
)
def test_compute_storage_and_keys_of_real_plans(
    plan: str, address: str, identities: tuple[str, ...], links: tuple[Link, ...]
) -> None:
    assert keys(resources(PLANS / plan)[address]) == (identities, links)


def test_sagemaker_model_is_trained_by_its_tagged_job_and_served_by_its_endpoint_configuration() -> None:
    found = resources(GRAPH / "tfplan.aws.json")
    assert keys(found["aws_sagemaker_model.diagnosis"]) == (
        ("model:diagnosis",),
        (
            Link("trained_on", "job:ml/train-diagnosis"),
            Link("stored_in", "storage:s3://clinic-models"),
        ),
    )
    assert found["aws_sagemaker_endpoint_configuration.diagnosis"].links == (
        Link("serves", "model:diagnosis"),
        Link("serves", "resource:terraform:aws_sagemaker_model.diagnosis"),
        Link("runs_on", "instance-type:ml.g5.xlarge"),
    )


def test_an_empty_key_is_no_key() -> None:
    example = Path(__file__).parents[2] / "examples" / "ml-platform" / "terraform" / "plan.json"
    found = resources(example)
    assert found["aws_s3_bucket_server_side_encryption_configuration.training_data"].links == (
        Link("configures", "storage:s3://acme-ml-training-data"),
    )
