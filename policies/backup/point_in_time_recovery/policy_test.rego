package gavel.backup.point_in_time_recovery_test

import rego.v1

import data.gavel.backup.point_in_time_recovery as policy

resource(kind, attributes) := {"id": sprintf("terraform:%s.crm", [kind]), "kind": kind, "name": "crm", "classification": "personal", "attributes": attributes}

sql(version, backup) := resource("google_sql_database_instance", {"database_version": version, "settings": [{"backup_configuration": [backup]}]})

test_postgres_pitr_allowed if {
	count(policy.deny) == 0 with input as {"resource": sql("POSTGRES_15", {"enabled": true, "point_in_time_recovery_enabled": true})}
}

test_postgres_without_pitr_denied if {
	[d.msg | some d in policy.deny] == ["google_sql_database_instance.crm: settings.backup_configuration.point_in_time_recovery_enabled is not set; set settings.backup_configuration.point_in_time_recovery_enabled to true"] with input as {"resource": sql("POSTGRES_15", {"enabled": true})}
}

test_mysql_uses_binary_log if {
	count(policy.deny) == 0 with input as {"resource": sql("MYSQL_8_0", {"enabled": true, "binary_log_enabled": true})}
	some d in policy.deny with input as {"resource": sql("MYSQL_8_0", {"enabled": true, "point_in_time_recovery_enabled": true})}
	d.details.field == "settings.backup_configuration.binary_log_enabled"
}

test_dynamodb_table if {
	count(policy.deny) == 1 with input as {"resource": resource("aws_dynamodb_table", {"point_in_time_recovery": [{"enabled": false}]})}
	count(policy.deny) == 0 with input as {"resource": resource("aws_dynamodb_table", {"point_in_time_recovery": [{"enabled": true}]})}
}

test_public_data_not_judged if {
	count(policy.deny) == 0 with input as {"resource": object.union(sql("POSTGRES_15", {}), {"classification": "public"})}
}

test_pitr_computed_at_apply_warns if {
	r := object.union(resource("aws_dynamodb_table", {}), {"unknown": [["point_in_time_recovery"]]})
	count(policy.deny) == 0 with input as {"resource": r}
	count(policy.warn) == 1 with input as {"resource": r}
}
