# METADATA
# title: Managed databases keep automated backups for the configured minimum
# description: >-
#   RDS instances and clusters, DocumentDB and Neptune clusters, Azure Database for PostgreSQL
#   and MySQL servers (single and flexible) keep automated backups for at least
#   min_backup_retention_days (7 by default, data/backup.yaml), so data can be restored after
#   an incident. RDS read replicas (replicate_source_db set) back up through their source and
#   are not judged; a retention the provider computes at apply (left unset) is a warning.
# custom:
#   id: database_backup_retention
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-BAK-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(c)"}
#     - {framework: NIST-800-53, article: "CP-9"}
#     - {framework: ISO-27001, article: "A.8.13"}
#   resource_kinds: [aws_db_instance, aws_rds_cluster, aws_docdb_cluster, aws_neptune_cluster,
#     azurerm_postgresql_server, azurerm_mysql_server, azurerm_postgresql_flexible_server,
#     azurerm_mysql_flexible_server]
#   remediation: |
#     resource "aws_db_instance" "crm" {
#       backup_retention_period = 14
#     }
#     resource "azurerm_postgresql_flexible_server" "crm" {
#       backup_retention_days = 14
#     }
package gavel.backup.database_backup_retention

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

min_days := object.get(checks.parameters("backup"), "min_backup_retention_days", 7)

field := "backup_retention_days" if {
	startswith(input.resource.kind, "azurerm_")
} else := "backup_retention_period"

days := object.get(input.resource.attributes, field, null)

expected := sprintf("at least %v", [min_days])

deny contains checks.finding(terraform.address(input.resource), field, days, expected) if {
	not replica
	not checks.at_least(days, min_days)
	not terraform.unknown(input.resource, [field])
}

warn contains checks.after_apply(terraform.address(input.resource), field, expected) if {
	not replica
	terraform.unknown(input.resource, [field])
}

replica if terraform.has_value(input.resource.attributes, "replicate_source_db")
