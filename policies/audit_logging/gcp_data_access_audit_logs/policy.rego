# METADATA
# title: GCP audit configs log data reads and writes without exemptions
# description: >-
#   An IAM audit config for a service that stores data (gcp_audited_services: allServices,
#   Cloud Storage, BigQuery, Cloud SQL) enables the DATA_READ and DATA_WRITE log types
#   (gcp_data_access_log_types, data/audit_logging.yaml) and exempts no member from them, so
#   every access to personal data is attributable. Data Access audit logs are off by default.
# custom:
#   id: gcp_data_access_audit_logs
#   version: 1.0.0
#   severity: high
#   controls: [GVL-LOG-05]
#   regulations:
#     - {framework: GDPR, article: "Art. 5(2)"}
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AU-2"}
#     - {framework: NIST-800-53, article: "AU-12"}
#     - {framework: ISO-27001, article: "A.8.15"}
#     - {framework: CIS, article: "GCP Foundations 2.0.0 2.1"}
#   resource_kinds: [google_project_iam_audit_config, google_folder_iam_audit_config,
#     google_organization_iam_audit_config]
#   remediation: |
#     resource "google_project_iam_audit_config" "data_access" {
#       project = var.project
#       service = "allServices"
#       audit_log_config { log_type = "ADMIN_READ" }
#       audit_log_config { log_type = "DATA_READ" }
#       audit_log_config { log_type = "DATA_WRITE" }
#     }
package gavel.audit_logging.gcp_data_access_audit_logs

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

params := checks.parameters("audit_logging")

required := object.get(params, "gcp_data_access_log_types", ["DATA_READ", "DATA_WRITE"])

attributes := input.resource.attributes

configs := terraform.blocks(attributes, "audit_log_config")

enabled := [c.log_type | some c in configs]

judged if attributes.service in object.get(params, "gcp_audited_services", ["allServices"])

deny contains checks.finding(terraform.address(input.resource), "audit_log_config.log_type", enabled, required) if {
	judged
	some log_type in required
	not log_type in enabled
}

deny contains checks.finding(terraform.address(input.resource), sprintf("audit_log_config[%s].exempted_members", [c.log_type]), c.exempted_members, []) if {
	judged
	some c in configs
	c.log_type in required
	count(checks.items(c, "exempted_members")) > 0
}
