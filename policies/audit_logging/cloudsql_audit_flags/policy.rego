# METADATA
# title: Cloud SQL instances turn audit and connection logging on
# description: >-
#   Cloud SQL for PostgreSQL logs statements through pgAudit (cloudsql.enable_pgaudit) and logs
#   every connection and disconnection; Cloud SQL for MySQL runs its audit plugin
#   (cloudsql_mysql_audit). The flags and values required per engine are the
#   cloudsql_audit_flags parameter (data/audit_logging.yaml); engines without an entry are not
#   judged.
# custom:
#   id: cloudsql_audit_flags
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-LOG-05]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AU-2"}
#     - {framework: NIST-800-53, article: "AU-3"}
#     - {framework: ISO-27001, article: "A.8.15"}
#     - {framework: CIS, article: "GCP Foundations 2.0.0 6.2.8"}
#   resource_kinds: [google_sql_database_instance]
#   remediation: |
#     resource "google_sql_database_instance" "crm" {
#       settings {
#         database_flags { name = "cloudsql.enable_pgaudit"  value = "on" }
#         database_flags { name = "log_connections"          value = "on" }
#         database_flags { name = "log_disconnections"       value = "on" }
#       }
#     }
package gavel.audit_logging.cloudsql_audit_flags

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

required_flags := object.get(checks.parameters("audit_logging"), "cloudsql_audit_flags", {})

engine := split(version, "_")[0] if {
	version := input.resource.attributes.database_version
	is_string(version)
}

# Flag name -> value (lower-cased) as the instance sets them.
flags := {flag.name: checks.text(flag.value) |
	some flag in terraform.nested(input.resource.attributes, ["settings", "database_flags"])
}

deny contains checks.finding(terraform.address(input.resource), sprintf("settings.database_flags[%s]", [name]), actual, value) if {
	some name, value in object.get(required_flags, engine, {})
	actual := object.get(flags, name, null)
	actual != checks.text(value)
}
