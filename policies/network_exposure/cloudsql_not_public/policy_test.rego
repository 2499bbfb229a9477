package gavel.network_exposure.cloudsql_not_public_test

import rego.v1

import data.gavel.network_exposure.cloudsql_not_public as policy

instance(config, class) := {"id": "terraform:google_sql_database_instance.crm", "kind": "google_sql_database_instance", "name": "crm", "classification": class, "attributes": {"settings": [{"ip_configuration": [config]}]}}

test_open_authorized_network_denied if {
	config := {"ipv4_enabled": true, "authorized_networks": [{"name": "anyone", "value": "0.0.0.0/0"}]}
	[d.msg | some d in policy.deny] == ["google_sql_database_instance.crm: settings.ip_configuration.authorized_networks[anyone].value is 0.0.0.0/0; set settings.ip_configuration.authorized_networks[anyone].value to a specific client network"] with input as {"resource": instance(config, null)}
}

test_office_network_allowed_for_internal_data if {
	config := {"ipv4_enabled": true, "authorized_networks": [{"name": "office", "value": "203.0.113.0/24"}]}
	count(policy.deny) == 0 with input as {"resource": instance(config, "internal")}
}

test_personal_data_needs_private_ip_only if {
	config := {"ipv4_enabled": true, "authorized_networks": []}
	[d.details.field | some d in policy.deny] == ["settings.ip_configuration.ipv4_enabled"] with input as {"resource": instance(config, "personal")}
	count(policy.deny) == 0 with input as {"resource": instance({"ipv4_enabled": false, "private_network": "projects/p/global/networks/private"}, "personal")}
}
