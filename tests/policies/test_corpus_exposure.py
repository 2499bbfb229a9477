"""The audit-logging, exposure and access policies on real plans written by other projects: the
resources those projects name valid or invalid (for the same concern) get the verdicts their names
promise, and the parameters users override in a data file change verdicts without Rego edits."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gavel.adapters.detect import collect_paths
from gavel.engine.estate import build_estate
from gavel.engine.evaluate import evaluate
from gavel.engine.loader import load_policy_set
from gavel.engine.models import Outcome
from gavel.engine.rego import EmbeddedRuntime

PLANS = Path(__file__).resolve().parents[1] / "data" / "adapters" / "terraform-plan"
REGULA = PLANS / "regula" / "rules" / "tf"


NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def violations(
    plan: Path, data_files: tuple[Path, ...] = (), outcome: Outcome = Outcome.VIOLATION
) -> set[tuple[str, str]]:
    """(policy id, resource id) of every finding of `outcome` the built-in library has on a plan."""
    estate = build_estate(collect_paths([plan], collected_at=NOW).resources)
    decision = evaluate(load_policy_set(data_files=data_files), estate, EmbeddedRuntime(), now=NOW)
    return {(f.policy_id, f.resource.id) for f in decision.findings if f.outcome is outcome}


@pytest.mark.parametrize(
    ("plan", "policy", "denied", "allowed"),
    [
        (
            REGULA / "azurerm/sql/inputs/firewall_no_inbound_all_infra.json",
            "azure_db_firewall_not_internet",
            [f"azurerm_sql_firewall_rule.invalidrule{i}" for i in range(1, 5)],
            ["azurerm_sql_firewall_rule.validrule1"],
        ),
        (
            REGULA / "azurerm/network/inputs/security_group_no_inbound_22_infra.json",
            "azure_nsg_admin_ports",
            [
                "azurerm_network_security_group.invalidnsg1",
                "azurerm_network_security_group.invalidnsg2",
                "azurerm_network_security_rule.invalidrule1",
                "azurerm_network_security_rule.invalidrule2",
                "azurerm_network_security_rule.invalidrule3",
            ],
            [
                "azurerm_network_security_group.validnsg1",
                "azurerm_network_security_group.testnsg",
                "azurerm_network_security_rule.validrule1",
                "azurerm_network_security_rule.validrule2",
            ],
        ),
        (
            REGULA / "azurerm/storage/inputs/account_deny_access_infra.json",
            "azure_storage_not_public",
            ["azurerm_storage_account.invalidstorageaccount1"],
            ["azurerm_storage_account.validstorageaccount1", "azurerm_storage_account.validstorageaccount2"],
        ),
        (
            # regula's "invalid_include_*" ranges are invalid for a web-ports-only rule; they open no
            # administration or database port, which is what this policy judges.
            REGULA / "aws/security_group/inputs/ingress_anywhere_infra.json",
            "aws_security_group_admin_ports",
            ["aws_security_group.invalid_allow_all"],
            [
                "aws_security_group.valid_exact_443",
                "aws_security_group.valid_exact_80",
                "aws_security_group.invalid_include_443",
                "aws_security_group.invalid_include_80",
            ],
        ),
        (
            # The public access blocks and the ACL name their buckets only through configuration
            # references; the estate graph links them.
            PLANS / "checkov/runner/resources/plan_nested_child_modules_with_connections/tfplan.json",
            "s3_public_access_block",
            ["module.s3_bucket.aws_s3_bucket.this[0]"],
            [
                "aws_s3_bucket.root_bucket",
                "module.s3_module.aws_s3_bucket.module_bucket",
                "module.s3_module.module.s3_submodule.aws_s3_bucket.submodule_bucket",
            ],
        ),
        (
            PLANS / "checkov/runner/resources/plan_nested_child_modules_with_connections/tfplan.json",
            "s3_public_acl",
            ["module.s3_bucket.aws_s3_bucket.this[0]"],
            ["aws_s3_bucket.root_bucket"],
        ),
    ],
)
def test_named_resources_get_the_verdict_their_names_promise(
    plan: Path, policy: str, denied: list[str], allowed: list[str]
) -> None:
    got = violations(plan)
    for address in denied:
        assert (policy, f"terraform:{address}") in got, address
    for address in allowed:
        assert (policy, f"terraform:{address}") not in got, address


def test_a_block_the_provider_computes_at_apply_is_a_warning() -> None:
    # invalidstorageaccount2 has no network_rules block; the plan marks it known only after apply.
    plan = REGULA / "azurerm/storage/inputs/account_deny_access_infra.json"
    unset = ("azure_storage_not_public", "terraform:azurerm_storage_account.invalidstorageaccount2")
    assert unset in violations(plan, outcome=Outcome.WARNING)
    assert unset not in violations(plan)


def test_sensitive_ports_are_a_data_override(tmp_path: Path) -> None:
    plan = REGULA / "aws/security_group/inputs/ingress_anywhere_infra.json"
    https = ("aws_security_group_admin_ports", "terraform:aws_security_group.valid_exact_443")
    assert https not in violations(plan)
    override = tmp_path / "exposure.yaml"
    override.write_text('network_exposure:\n  admin_ports:\n    "443": HTTPS admin console\n')
    stricter = violations(plan, (override,))
    assert https in stricter
    assert ("aws_security_group_admin_ports", "terraform:aws_security_group.valid_exact_80") not in stricter
