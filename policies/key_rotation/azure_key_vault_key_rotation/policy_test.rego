package gavel.key_rotation.azure_key_vault_key_rotation_test

import rego.v1

import data.gavel.key_rotation.azure_key_vault_key_rotation as policy

key(rotation_policy) := {"id": "terraform:azurerm_key_vault_key.data", "kind": "azurerm_key_vault_key", "name": "data", "attributes": {"key_type": "RSA", "rotation_policy": rotation_policy}}

test_no_rotation_policy_denied if {
	some d in policy.deny with input as {"resource": key([])}
	d.details.field == "rotation_policy.automatic"
}

test_policy_without_automatic_denied if {
	count(policy.deny) == 1 with input as {"resource": key([{"expire_after": "P1Y", "automatic": []}])}
}

test_time_after_creation_within_limit_allowed if {
	count(policy.deny) == 0 with input as {"resource": key([{"automatic": [{"time_after_creation": "P90D"}]}])}
	count(policy.deny) == 0 with input as {"resource": key([{"automatic": [{"time_after_creation": "P1Y"}]}])}
}

test_too_long_denied if {
	some d in policy.deny with input as {"resource": key([{"automatic": [{"time_after_creation": "P2Y"}]}])}
	d.details.actual == 730
}

test_time_before_expiry if {
	count(policy.deny) == 0 with input as {"resource": key([{"expire_after": "P1Y", "automatic": [{"time_before_expiry": "P30D"}]}])}
	count(policy.deny) == 1 with input as {"resource": key([{"expire_after": "P2Y", "automatic": [{"time_before_expiry": "P30D"}]}])}
}

test_duration_parser if {
	policy.days("P1Y6M") == 545
	policy.days("p2w") == 14
	not policy.days("PT12H")
	not policy.days(null)
}
