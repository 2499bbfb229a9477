# METADATA
# title: Audit logs are kept at least the configured minimum
# description: >-
#   Stores of audit logs keep them at least min_audit_log_days (365 by default,
#   data/retention.yaml): CloudWatch log groups (retention_in_days; 0 keeps them forever), GCP
#   log buckets (retention_days), Log Analytics workspaces (retention_in_days) and Azure SQL
#   auditing policies (retention_in_days; 0 keeps them forever). A log group, bucket or
#   workspace holds audit logs when its name matches audit_log_name_patterns or it is tagged
#   log-type = audit; SQL auditing policies always do.
# custom:
#   id: audit_log_retention
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-RET-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 5(2)"}
#     - {framework: SEC, article: "Rule 17a-4(f)(2)(i)(A)"}
#     - {framework: NIST-800-53, article: "AU-11"}
#     - {framework: ISO-27001, article: "A.8.15"}
#     - {framework: CIS, article: "Azure Foundations 2.0.0 4.1.6"}
#   resource_kinds: [aws_cloudwatch_log_group, google_logging_project_bucket_config,
#     google_logging_folder_bucket_config, google_logging_organization_bucket_config,
#     azurerm_log_analytics_workspace, azurerm_mssql_server_extended_auditing_policy,
#     azurerm_mssql_database_extended_auditing_policy]
#   remediation: |
#     resource "aws_cloudwatch_log_group" "eks_audit" {
#       name              = "/aws/eks/ml/cluster"
#       retention_in_days = 365
#     }
#     resource "google_logging_project_bucket_config" "default" {
#       bucket_id      = "_Default"
#       location       = "global"
#       retention_days = 365
#     }
#     resource "azurerm_log_analytics_workspace" "audit" { retention_in_days = 365 }
package gavel.retention.audit_log_retention

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

params := checks.parameters("retention")

min_days := object.get(params, "min_audit_log_days", 365)

# Per kind: the retention argument, the argument naming the store, and whether 0 means forever.
# A kind without a name argument always holds audit logs.
stores := {
	"aws_cloudwatch_log_group": {"field": "retention_in_days", "name": "name", "zero_is_forever": true},
	"google_logging_project_bucket_config": {"field": "retention_days", "name": "bucket_id", "zero_is_forever": false},
	"google_logging_folder_bucket_config": {"field": "retention_days", "name": "bucket_id", "zero_is_forever": false},
	"google_logging_organization_bucket_config": {"field": "retention_days", "name": "bucket_id", "zero_is_forever": false},
	"azurerm_log_analytics_workspace": {"field": "retention_in_days", "name": "name", "zero_is_forever": false},
	"azurerm_mssql_server_extended_auditing_policy": {"field": "retention_in_days", "zero_is_forever": true},
	"azurerm_mssql_database_extended_auditing_policy": {"field": "retention_in_days", "zero_is_forever": true},
}

store := stores[input.resource.kind]

days := object.get(input.resource.attributes, store.field, null)

deny contains checks.finding(terraform.address(input.resource), store.field, days, sprintf("at least %v", [min_days])) if {
	holds_audit_logs
	not kept_long_enough
}

holds_audit_logs if not store.name

holds_audit_logs if lower(object.get(input.resource.labels, "log-type", "")) == "audit"

holds_audit_logs if {
	name := input.resource.attributes[store.name]
	is_string(name)
	some pattern in object.get(params, "audit_log_name_patterns", [])
	glob.match(pattern, null, name)
}

kept_long_enough if checks.at_least(days, min_days)

kept_long_enough if {
	store.zero_is_forever
	terraform.as_number(days) == 0
}
