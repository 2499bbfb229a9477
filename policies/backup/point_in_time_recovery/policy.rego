# METADATA
# title: Databases holding confidential or personal data support point-in-time recovery
# description: >-
#   A store classified confidential or above (pitr_classifications, data/backup.yaml) can be
#   restored to any moment of its backup window, not only to the last daily backup: Cloud SQL
#   for PostgreSQL and SQL Server enable point_in_time_recovery_enabled, Cloud SQL for MySQL
#   enables binary_log_enabled, DynamoDB tables enable point_in_time_recovery.
# custom:
#   id: point_in_time_recovery
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-BAK-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(c)"}
#     - {framework: NIST-800-53, article: "CP-9"}
#     - {framework: NIST-800-53, article: "CP-10"}
#     - {framework: ISO-27001, article: "A.8.13"}
#   resource_kinds: [google_sql_database_instance, aws_dynamodb_table]
#   remediation: |
#     resource "google_sql_database_instance" "crm" {
#       settings {
#         backup_configuration {
#           enabled                        = true
#           point_in_time_recovery_enabled = true   # binary_log_enabled = true for MySQL
#         }
#       }
#     }
#     resource "aws_dynamodb_table" "profiles" {
#       point_in_time_recovery { enabled = true }
#     }
package gavel.backup.point_in_time_recovery

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.classification
import data.gavel.lib.terraform

classes := object.get(checks.parameters("backup"), "pitr_classifications", ["confidential", "personal", "special-category"])

attributes := input.resource.attributes

path := ["point_in_time_recovery", "enabled"] if {
	input.resource.kind == "aws_dynamodb_table"
} else := ["settings", "backup_configuration", "binary_log_enabled"] if {
	is_string(attributes.database_version)
	startswith(attributes.database_version, "MYSQL")
} else := ["settings", "backup_configuration", "point_in_time_recovery_enabled"]

deny contains checks.path_finding(input.resource, path, true) if {
	judged
	not checks.on(attributes, path)
	not terraform.unknown(input.resource, path)
}

warn contains checks.after_apply(terraform.address(input.resource), concat(".", path), true) if {
	judged
	terraform.unknown(input.resource, path)
}

judged if {
	classification.in_classes(input.resource, classes)
	not terraform.has_value(attributes, "master_instance_name")
}
