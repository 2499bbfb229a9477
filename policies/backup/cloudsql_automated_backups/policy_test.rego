package gavel.backup.cloudsql_automated_backups_test

import rego.v1

import data.gavel.backup.cloudsql_automated_backups as policy

instance(attributes) := {"id": "terraform:google_sql_database_instance.crm", "kind": "google_sql_database_instance", "name": "crm", "attributes": attributes}

test_backups_enabled_allowed if {
	count(policy.deny) == 0 with input as {"resource": instance({"settings": [{"backup_configuration": [{"enabled": true}]}]})}
}

test_backups_disabled_denied if {
	[d.msg | some d in policy.deny] == ["google_sql_database_instance.crm: settings.backup_configuration.enabled is false; set settings.backup_configuration.enabled to true"] with input as {"resource": instance({"settings": [{"backup_configuration": [{"enabled": false}]}]})}
}

test_no_backup_block_denied if {
	count(policy.deny) == 1 with input as {"resource": instance({"settings": [{"tier": "db-f1-micro"}]})}
}

test_replica_not_judged if {
	count(policy.deny) == 0 with input as {"resource": instance({"master_instance_name": "crm-primary", "settings": [{}]})}
}

test_backup_configuration_computed_at_apply_warns if {
	r := object.union(instance({"settings": [{"tier": "db-f1-micro"}]}), {"unknown": [["settings", 0, "backup_configuration"]]})
	count(policy.deny) == 0 with input as {"resource": r}
	count(policy.warn) == 1 with input as {"resource": r}
}
