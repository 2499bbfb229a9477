package gavel.encryption_in_transit.azure_storage_secure_transfer_test

import rego.v1

import data.gavel.encryption_in_transit.azure_storage_secure_transfer as policy

account(attributes) := {"id": "terraform:azurerm_storage_account.a", "kind": "azurerm_storage_account", "name": "a", "attributes": attributes}

test_compliant_v4_fields if {
	count(policy.deny) == 0 with input as {"resource": account({"https_traffic_only_enabled": true, "min_tls_version": "TLS1_2"})}
}

test_compliant_v3_fields if {
	count(policy.deny) == 0 with input as {"resource": account({"enable_https_traffic_only": true, "min_tls_version": "TLS1_2"})}
}

test_http_allowed_denied_naming_the_v3_field if {
	[d.msg | some d in policy.deny] == ["azurerm_storage_account.a: enable_https_traffic_only is false; set enable_https_traffic_only to true"] with input as {"resource": account({"enable_https_traffic_only": false, "min_tls_version": "TLS1_2"})}
}

test_old_tls_denied if {
	some d in policy.deny with input as {"resource": account({"https_traffic_only_enabled": true, "min_tls_version": "TLS1_0"})}
	d.details == {"field": "min_tls_version", "actual": "TLS1_0", "expected": "TLS1_2"}
}

test_absent_settings_denied if {
	{d.details.field | some d in policy.deny} == {"https_traffic_only_enabled", "min_tls_version"} with input as {"resource": account({})}
}

row(properties) := {"id": "azure:/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sto", "kind": "microsoft.storage/storageaccounts", "name": "sto", "attributes": {"properties": properties}}

test_resource_graph_rows if {
	count(policy.deny) == 0 with input as {"resource": row({"supportsHttpsTrafficOnly": true, "minimumTlsVersion": "TLS1_2"})}
	{d.details.field | some d in policy.deny} == {"properties.supportsHttpsTrafficOnly", "properties.minimumTlsVersion"} with input as {"resource": row({"supportsHttpsTrafficOnly": false, "minimumTlsVersion": "TLS1_0"})}
}
