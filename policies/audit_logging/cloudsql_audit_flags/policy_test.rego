package gavel.audit_logging.cloudsql_audit_flags_test

import rego.v1

import data.gavel.audit_logging.cloudsql_audit_flags as policy

instance(version, flags) := {"id": "terraform:google_sql_database_instance.crm", "kind": "google_sql_database_instance", "name": "crm", "attributes": {
	"database_version": version,
	"settings": [{"database_flags": [{"name": n, "value": v} | some n, v in flags]}],
}}

pg_audit := {"cloudsql.enable_pgaudit": "on", "log_connections": "on", "log_disconnections": "On"}

test_postgres_with_audit_flags_allowed if {
	count(policy.deny) == 0 with input as {"resource": instance("POSTGRES_15", pg_audit)}
}

test_postgres_without_pgaudit_denied if {
	flags := object.remove(pg_audit, ["cloudsql.enable_pgaudit"])
	[d.msg | some d in policy.deny] == ["google_sql_database_instance.crm: settings.database_flags[cloudsql.enable_pgaudit] is not set; set settings.database_flags[cloudsql.enable_pgaudit] to on"] with input as {"resource": instance("POSTGRES_15", flags)}
}

test_flag_switched_off_denied if {
	some d in policy.deny with input as {"resource": instance("POSTGRES_9_6", object.union(pg_audit, {"log_connections": "off"}))}
	d.details.actual == "off"
}

test_mysql_audit_plugin if {
	count(policy.deny) == 1 with input as {"resource": instance("MYSQL_8_0", {})}
	count(policy.deny) == 0 with input as {"resource": instance("MYSQL_8_0", {"cloudsql_mysql_audit": "ON"})}
}

test_engine_without_requirements_not_judged if {
	count(policy.deny) == 0 with input as {"resource": instance("SQLSERVER_2019_STANDARD", {})}
}
