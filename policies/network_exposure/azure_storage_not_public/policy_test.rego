package gavel.network_exposure.azure_storage_not_public_test

import rego.v1

import data.gavel.network_exposure.azure_storage_not_public as policy

account(attributes) := {"id": "terraform:azurerm_storage_account.lake", "kind": "azurerm_storage_account", "name": "lake", "attributes": attributes}

test_default_deny_allowed if {
	count(policy.deny) == 0 with input as {"resource": account({"allow_blob_public_access": false, "network_rules": [{"default_action": "Deny"}]})}
}

test_default_allow_denied if {
	[d.msg | some d in policy.deny] == ["azurerm_storage_account.lake: network_rules.default_action is Allow; set network_rules.default_action to Deny"] with input as {"resource": account({"network_rules": [{"default_action": "Allow"}]})}
}

test_no_network_rules_denied if {
	count(policy.deny) == 1 with input as {"resource": account({})}
}

test_public_network_access_off_allowed if {
	count(policy.deny) == 0 with input as {"resource": account({"public_network_access_enabled": false})}
}

test_anonymous_blob_access_denied if {
	[d.details.field | some d in policy.deny] == ["allow_nested_items_to_be_public"] with input as {"resource": account({"public_network_access_enabled": false, "allow_nested_items_to_be_public": true})}
}

graph_row(properties) := {"id": "azure:/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sto", "kind": "microsoft.storage/storageaccounts", "name": "sto", "attributes": {"properties": properties}}

test_resource_graph_rows if {
	count(policy.deny) == 0 with input as {"resource": graph_row({"allowBlobPublicAccess": false, "networkAcls": {"defaultAction": "Deny"}})}
	count(policy.deny) == 0 with input as {"resource": graph_row({"allowBlobPublicAccess": false, "publicNetworkAccess": "Disabled"})}
	{d.details.field | some d in policy.deny} == {"properties.allowBlobPublicAccess", "properties.networkAcls.defaultAction"} with input as {"resource": graph_row({"allowBlobPublicAccess": true})}
}

test_network_rules_computed_at_apply_warn if {
	r := object.union(account({}), {"unknown": [["network_rules"]]})
	count(policy.deny) == 0 with input as {"resource": r}
	count(policy.warn) == 1 with input as {"resource": r}
}
