# METADATA
# title: Cloud SQL instances take automated backups
# description: >-
#   A Cloud SQL primary instance enables automated daily backups
#   (settings.backup_configuration.enabled) so it can be restored after an incident. Read
#   replicas (master_instance_name set) cannot take backups and are not judged.
# custom:
#   id: cloudsql_automated_backups
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-BAK-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(c)"}
#     - {framework: NIST-800-53, article: "CP-9"}
#     - {framework: ISO-27001, article: "A.8.13"}
#     - {framework: CIS, article: "GCP Foundations 2.0.0 6.7"}
#   resource_kinds: [google_sql_database_instance]
#   remediation: |
#     resource "google_sql_database_instance" "crm" {
#       settings {
#         backup_configuration {
#           enabled    = true
#           start_time = "02:00"
#         }
#       }
#     }
package gavel.backup.cloudsql_automated_backups

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

path := ["settings", "backup_configuration", "enabled"]

deny contains checks.path_finding(input.resource, path, true) if {
	not terraform.has_value(input.resource.attributes, "master_instance_name")
	not checks.on(input.resource.attributes, path)
	not terraform.unknown(input.resource, path)
}

warn contains checks.after_apply(terraform.address(input.resource), concat(".", path), true) if {
	not terraform.has_value(input.resource.attributes, "master_instance_name")
	terraform.unknown(input.resource, path)
}
