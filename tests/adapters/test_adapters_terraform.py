"""TerraformPlan against every real plan in the test corpus, plus the cases the corpus lacks."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gavel.adapters.terraform import TerraformPlan
from gavel.engine.errors import InputError
from gavel.engine.models import Resource

DATA = Path(__file__).parents[1] / "data" / "adapters"
PLANS = DATA / "terraform-plan"
CRAFTED_PLAN = DATA / "crafted" / "tfplan.delete-replace-providers.json"
COLLECTED_AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
ALL_PLANS = sorted(PLANS.rglob("*.json"))


def load(path: Path) -> TerraformPlan:
    return TerraformPlan.from_json(path.read_bytes(), str(path), COLLECTED_AT)


def by_id(plan: TerraformPlan) -> dict[str, Resource]:
    return {resource.id: resource for resource in plan.collect()}


def decoded_text(path: Path) -> str:
    data = path.read_bytes()
    return data.decode("utf-16") if data.startswith(b"\xff\xfe") else data.decode("utf-8")


def managed_addresses(plan: dict[str, Any]) -> set[str]:
    """Addresses of managed, non-deposed resources, read straight from the plan document."""
    addresses: set[str] = set()
    modules = [plan.get("planned_values", {}).get("root_module", {})]
    while modules:
        module = modules.pop()
        addresses |= {r["address"] for r in module.get("resources", []) if r["mode"] == "managed"}
        modules.extend(module.get("child_modules", []))
    addresses |= {
        change["address"]
        for change in plan.get("resource_changes", [])
        if change["mode"] == "managed" and "deposed" not in change
    }
    return addresses


def test_the_corpus_has_thirty_plans() -> None:
    assert len(ALL_PLANS) == 30


@pytest.mark.parametrize("path", ALL_PLANS, ids=lambda path: str(path.relative_to(PLANS)))
def test_every_corpus_plan_yields_each_managed_resource_once_with_provenance(path: Path) -> None:
    text = decoded_text(path)
    plan = load(path)
    resources = list(plan.collect())

    assert {r.id for r in resources} == {f"terraform:{a}" for a in managed_addresses(json.loads(text))}
    assert len(resources) == len({r.id for r in resources})
    lines = text.splitlines()
    digest = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    for resource in resources:
        address = resource.id.removeprefix("terraform:")
        assert resource.platform == "terraform"
        assert resource.provenance.adapter == "terraform"
        assert resource.provenance.source == str(path)
        assert resource.provenance.source_digest == digest
        assert resource.provenance.collected_at == COLLECTED_AT
        assert resource.provenance.line is not None
        assert re.search(
            r'"address"\s*:\s*' + re.escape(json.dumps(address)), lines[resource.provenance.line - 1]
        )
        assert all(isinstance(v, str) for v in resource.labels.values())
        json.dumps(resource.to_document())


def test_utf16_plan_from_a_windows_shell_is_decoded() -> None:
    path = PLANS / "checkov/parser/resources/plan_encodings/tfplan_win_utf16.json"
    assert path.read_bytes().startswith(b"\xff\xfe")
    (bucket,) = load(path).collect()
    assert bucket.id == "terraform:aws_s3_bucket.data"
    assert bucket.kind == "aws_s3_bucket"
    assert bucket.name == "data"
    assert bucket.attributes["bucket"] == "mike-abcd123data"
    assert bucket.action == "create"
    assert bucket.provenance.line == 8


def test_region_comes_from_the_resource_before_the_provider() -> None:
    resources = by_id(load(PLANS / "checkov/parser/resources/plan_booleans/tfplan.json"))
    assert resources["terraform:google_compute_instance.default"].region == "us-central1-c"
    assert resources["terraform:google_service_account.default"].region == "europe-west2"


def test_child_modules_are_walked_recursively_and_inherit_the_root_provider_region() -> None:
    path = PLANS / "checkov/runner/resources/plan_nested_child_modules_with_connections/tfplan.json"
    resources = by_id(load(path))
    nested = resources["terraform:module.s3_module.module.s3_submodule.aws_s3_bucket.submodule_bucket"]
    assert nested.kind == "aws_s3_bucket"
    assert nested.name == "submodule_bucket"
    assert nested.region == "us-west-2"
    assert "terraform:module.s3_bucket.aws_s3_bucket.this[0]" in resources
    assert len(resources) == 9


def test_terraform_012_module_provider_keys_and_azure_locations() -> None:
    resources = by_id(load(PLANS / "terraform-compliance/test_issue-294/plan.out.json"))
    assert len(resources) == 18
    assert not any(id_.startswith("terraform:module.linuxservers-fail.data.") for id_ in resources)
    group = resources["terraform:azurerm_resource_group.main"]
    assert group.region == "northeurope"
    assert group.kind == "azurerm_resource_group"


def test_data_sources_are_not_resources() -> None:
    resources = by_id(load(PLANS / "regula/examples/aws/inputs/ec2_t2_only_infra.json"))
    assert len(resources) == 7
    assert all(".data." not in id_ and not id_.startswith("terraform:data.") for id_ in resources)


@pytest.mark.parametrize(
    ("relative", "address", "labels"),
    [
        (
            "checkov/parser/resources/plan_tags/tfplan.json",
            "aws_db_instance.default",
            {"Environment": "123456789123-acme-corp", "Name": "123456789123-acme-corp-rds"},
        ),
        ("regula/lib/inputs/resource_view_07_infra.json", "aws_s3_bucket.example", {"Stage": "Prod"}),
        ("regula/lib/inputs/resource_view_07_infra.json", "aws_autoscaling_group.example", {"Stage": "Dev"}),
        (
            "regula/rules/tf/azurerm/storage/inputs/account_secure_transfer_infra.json",
            "azurerm_storage_account.invalidstorageaccount1",
            {"environment": "staging"},
        ),
        (
            "terraform-google-conversion/full_compute_instance.tfplan.json",
            "google_compute_instance.full_list_default_1",
            {"label_foo1": "label-bar1"},
        ),
        (
            "terraform-google-conversion/example_bigquery_dataset.tfplan.json",
            "google_bigquery_dataset.default",
            {"env": "dev"},
        ),
        (
            "terraform-google-conversion/full_sql_database_instance.tfplan.json",
            "google_sql_database_instance.main",
            {"user_labels_foo": "user_labels_bar"},
        ),
    ],
)
def test_tags_and_labels_become_string_labels(relative: str, address: str, labels: dict[str, str]) -> None:
    assert by_id(load(PLANS / relative))[f"terraform:{address}"].labels == labels


def test_gpu_blocks_are_kept_in_attributes() -> None:
    path = PLANS / "terraform-google-conversion/full_compute_instance.tfplan.json"
    instance = by_id(load(path))["terraform:google_compute_instance.full_list_default_1"]
    assert instance.attributes["guest_accelerator"][0] == {
        "count": 42,
        "type": "test-guest_accelerator-type1",
    }


def test_plan_without_resource_changes_has_no_action() -> None:
    (notebook,) = load(PLANS / "terraform-compliance/test_issue-132/plan.out.json").collect()
    assert notebook.id == "terraform:aws_sagemaker_notebook_instance.foo"
    assert notebook.action is None
    assert notebook.labels == {"Name": "foo"}


def test_no_op_actions_are_reported() -> None:
    resources = load(PLANS / "regula/rules/tf/aws/cloudtrail/inputs/issue355_infra.json").collect()
    assert {resource.action for resource in resources} == {"no-op"}


def test_resources_only_in_resource_changes_take_their_planned_values() -> None:
    resources = by_id(load(PLANS / "checkov/parser/resources/plan_tags/tfplan.json"))
    assert len(resources) == 55
    bucket = resources["terraform:aws_s3_bucket.data"]
    assert bucket.attributes["bucket"].endswith("-data")
    assert bucket.region == "us-west-2"


class TestDeleteReplaceAndProviders:
    """The crafted plan: deleted, replaced, updated resources; aliased, module and variable regions."""

    @pytest.fixture
    def resources(self) -> dict[str, Resource]:
        return by_id(load(CRAFTED_PLAN))

    def test_deleted_resource_carries_its_before_values(self, resources: dict[str, Resource]) -> None:
        deleted = resources["terraform:aws_kms_key.invalid"]
        assert deleted.action == "delete"
        assert deleted.attributes["description"] == "KMS key 2"
        assert deleted.labels == {"data-classification": "confidential", "retention-days": "30"}
        assert deleted.provenance.line is not None
        line = CRAFTED_PLAN.read_text().splitlines()[deleted.provenance.line - 1]
        assert '"address": "aws_kms_key.invalid"' in line

    def test_replace_and_update_actions(self, resources: dict[str, Resource]) -> None:
        replaced = resources["terraform:aws_kms_key.blank-invalid"]
        assert replaced.action == "replace"
        assert replaced.attributes["enable_key_rotation"] is True
        assert replaced.labels == {"data-classification": "personal", "owner": "ml-platform"}
        assert resources["terraform:aws_kms_key.valid"].action == "update"

    def test_deposed_objects_and_data_sources_are_left_out(self, resources: dict[str, Resource]) -> None:
        assert sorted(resources) == [
            "terraform:aws_kms_key.blank-invalid",
            "terraform:aws_kms_key.invalid",
            "terraform:aws_kms_key.valid",
            "terraform:aws_kms_key.west",
            'terraform:module.regional.aws_kms_key.this["logs"]',
        ]

    def test_regions_follow_variables_aliases_and_module_providers(
        self, resources: dict[str, Resource]
    ) -> None:
        assert resources["terraform:aws_kms_key.valid"].region == "eu-west-1"
        assert resources["terraform:aws_kms_key.invalid"].region == "eu-west-1"
        assert resources["terraform:aws_kms_key.west"].region == "us-west-2"
        module_key = resources['terraform:module.regional.aws_kms_key.this["logs"]']
        assert module_key.region == "eu-central-1"
        assert module_key.name == "this"
        assert module_key.action == "no-op"


def test_plan_without_planned_values_is_read_from_resource_changes(tmp_path: Path) -> None:
    plan = json.loads((PLANS / "terraform-compliance/test_s3_encryption_failure/plan.out.json").read_text())
    del plan["planned_values"]
    (bucket,) = TerraformPlan.from_json(
        json.dumps(plan).encode(), "changes-only.json", COLLECTED_AT
    ).collect()
    assert bucket.id == "terraform:aws_s3_bucket.fail"
    assert bucket.action == "create"
    assert bucket.attributes["acl"] == "private"


def test_document_with_neither_planned_values_nor_changes_is_rejected() -> None:
    plan = json.loads((PLANS / "terraform-compliance/test_s3_encryption_failure/plan.out.json").read_text())
    del plan["planned_values"], plan["resource_changes"]
    with pytest.raises(InputError) as raised:
        TerraformPlan.from_json(json.dumps(plan).encode(), "stripped.json", COLLECTED_AT)
    assert str(raised.value).startswith("stripped.json:1: not a Terraform plan: neither `planned_values`")
    assert raised.value.exit_code == 4


def test_empty_file_is_rejected() -> None:
    with pytest.raises(InputError, match=r"^empty.json: empty file, not a Terraform plan"):
        TerraformPlan.from_json(b"  \n", "empty.json", COLLECTED_AT)


def test_malformed_json_names_file_line_and_column() -> None:
    text = (PLANS / "regula/rules/tf/aws/kms/inputs/key_rotation_infra.json").read_text()
    broken = text.replace('"terraform_version": "0.13.5",', '"terraform_version": "0.13.5"', 1)
    with pytest.raises(InputError) as raised:
        TerraformPlan.from_json(broken.encode(), "kms.json", COLLECTED_AT)
    assert str(raised.value) == "kms.json:4:3: invalid JSON: Expecting ',' delimiter"


def test_trailing_data_after_the_plan_is_malformed() -> None:
    with pytest.raises(InputError, match=r"^two.json:2:1: invalid JSON: Extra data"):
        TerraformPlan.from_json(
            b'{"format_version": "1.0", "resource_changes": []}\n{}', "two.json", COLLECTED_AT
        )


def test_json_that_is_not_an_object_is_not_a_plan() -> None:
    with pytest.raises(InputError, match=r"^list.json:1: not a Terraform plan: no `format_version`"):
        TerraformPlan.from_json(b"[1, 2]", "list.json", COLLECTED_AT)


def test_unrecognised_change_actions_name_the_resource() -> None:
    plan = json.loads(CRAFTED_PLAN.read_text())
    plan["resource_changes"][3]["change"]["actions"] = ["update", "delete"]
    with pytest.raises(
        InputError, match=r'resource aws_kms_key\.valid: unrecognised change actions \["update"'
    ):
        TerraformPlan.from_json(json.dumps(plan, indent=1).encode(), "odd.json", COLLECTED_AT)


def test_resource_entry_without_a_type_is_malformed() -> None:
    plan = json.loads(CRAFTED_PLAN.read_text())
    del plan["planned_values"]["root_module"]["resources"][1]["type"]
    with pytest.raises(
        InputError, match=r"^bad.json:\d+: malformed plan: resource aws_kms_key.valid has no `type`"
    ):
        TerraformPlan.from_json(json.dumps(plan, indent=2).encode(), "bad.json", COLLECTED_AT)
