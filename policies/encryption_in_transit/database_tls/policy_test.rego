package gavel.encryption_in_transit.database_tls_test

import rego.v1

import data.gavel.encryption_in_transit.database_tls as policy

cloud_sql(ip) := {"id": "terraform:google_sql_database_instance.main", "kind": "google_sql_database_instance", "name": "main", "attributes": {"settings": [{"ip_configuration": ip}]}}

test_cloud_sql_unencrypted_allowed_mode_denied if {
	[d.msg | some d in policy.deny] == ["google_sql_database_instance.main: settings.ip_configuration.ssl_mode is ALLOW_UNENCRYPTED_AND_ENCRYPTED; set settings.ip_configuration.ssl_mode to ENCRYPTED_ONLY"] with input as {"resource": cloud_sql([{"ssl_mode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED"}])}
}

test_cloud_sql_encrypted_only_allowed if {
	count(policy.deny) == 0 with input as {"resource": cloud_sql([{"ssl_mode": "ENCRYPTED_ONLY"}])}
}

test_cloud_sql_legacy_require_ssl if {
	count(policy.deny) == 0 with input as {"resource": cloud_sql([{"require_ssl": true}])}
	count(policy.deny) == 1 with input as {"resource": cloud_sql([{"require_ssl": false}])}
}

test_cloud_sql_without_ip_configuration_denied if {
	count(policy.deny) == 1 with input as {"resource": cloud_sql([])}
}

test_mssql_tls_version if {
	server := {"id": "terraform:azurerm_mssql_server.s", "kind": "azurerm_mssql_server", "name": "s", "attributes": {"minimum_tls_version": "1.0"}}
	count(policy.deny) == 1 with input as {"resource": server}
	count(policy.deny) == 0 with input as {"resource": object.union(server, {"attributes": {"minimum_tls_version": "1.2"}})}
	count(policy.deny) == 1 with input as {"resource": object.union(server, {"attributes": {"minimum_tls_version": "Disabled"}})}
}

test_postgresql_enforcement_and_version if {
	server := {"id": "terraform:azurerm_postgresql_server.p", "kind": "azurerm_postgresql_server", "name": "p", "attributes": {"ssl_enforcement_enabled": true, "ssl_minimal_tls_version_enforced": "TLS1_2"}}
	count(policy.deny) == 0 with input as {"resource": server}
	{d.details.field | some d in policy.deny} == {"ssl_enforcement_enabled", "ssl_minimal_tls_version_enforced"} with input as {"resource": object.union(server, {"attributes": {"ssl_enforcement_enabled": false, "ssl_minimal_tls_version_enforced": "TLSEnforcementDisabled"}})}
}
