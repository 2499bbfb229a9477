package gavel.retention.azure_records_immutability_test

import rego.v1

import data.gavel.retention.azure_records_immutability as policy

account(policies) := {"id": "terraform:azurerm_storage_account.trades", "kind": "azurerm_storage_account", "name": "trades", "labels": {"records-class": "trading-records"}, "attributes": {"name": "trades", "immutability_policy": policies}}

test_locked_policy_allowed if {
	count(policy.deny) == 0 with input as {"resource": account([{"state": "Locked", "period_since_creation_in_days": 2555, "allow_protected_append_writes": false}])}
}

test_no_policy_denied if {
	[d.details.field | some d in policy.deny] == ["immutability_policy"] with input as {"resource": account(null)}
}

test_unlocked_policy_denied if {
	[d.msg | some d in policy.deny] == ["azurerm_storage_account.trades: immutability_policy.state is Unlocked; set immutability_policy.state to Locked"] with input as {"resource": account([{"state": "Unlocked", "period_since_creation_in_days": 2190}])}
}

test_short_period_denied if {
	some d in policy.deny with input as {"resource": account([{"state": "Locked", "period_since_creation_in_days": 365}])}
	d.details.field == "immutability_policy.period_since_creation_in_days"
}

test_accounts_without_records_not_judged if {
	count(policy.deny) == 0 with input as {"resource": object.union(object.remove(account(null), ["labels"]), {"labels": {"data-classification": "personal"}})}
}
