package gavel.backup.database_backup_retention_test

import rego.v1

import data.gavel.backup.database_backup_retention as policy

db(kind, attributes) := {"id": sprintf("terraform:%s.crm", [kind]), "kind": kind, "name": "crm", "attributes": attributes}

test_rds_without_backups_denied if {
	[d.msg | some d in policy.deny] == ["aws_db_instance.crm: backup_retention_period is 0; set backup_retention_period to at least 7"] with input as {"resource": db("aws_db_instance", {"backup_retention_period": 0})}
}

test_rds_two_weeks_allowed if {
	count(policy.deny) == 0 with input as {"resource": db("aws_rds_cluster", {"backup_retention_period": 14})}
}

test_read_replica_not_judged if {
	count(policy.deny) == 0 with input as {"resource": db("aws_db_instance", {"backup_retention_period": 0, "replicate_source_db": "crm-primary"})}
}

test_azure_field if {
	some d in policy.deny with input as {"resource": db("azurerm_postgresql_server", {"backup_retention_days": 3})}
	d.details.field == "backup_retention_days"
	count(policy.deny) == 0 with input as {"resource": db("azurerm_mysql_flexible_server", {"backup_retention_days": 35})}
}

test_unknown_retention_denied if {
	some d in policy.deny with input as {"resource": db("aws_docdb_cluster", {})}
	d.details.actual == null
}

test_minimum_is_a_parameter if {
	count(policy.deny) == 1 with input as {"resource": db("aws_db_instance", {"backup_retention_period": 14})}
		with data.gavel.data.backup.min_backup_retention_days as 30
}

test_retention_computed_at_apply_warns if {
	r := object.union(db("aws_rds_cluster", {}), {"unknown": [["backup_retention_period"]]})
	count(policy.deny) == 0 with input as {"resource": r}
	[w.details.field | some w in policy.warn] == ["backup_retention_period"] with input as {"resource": r}
}
