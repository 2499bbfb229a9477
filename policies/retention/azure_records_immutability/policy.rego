# METADATA
# title: Azure storage accounts of regulated records have a locked immutability policy
# description: >-
#   A storage account tagged as holding books and records (records-class: sec-17a-4,
#   data/retention.yaml) has an account-level immutability_policy in state Locked (a locked
#   time-based retention cannot be shortened or removed) with period_since_creation_in_days of
#   at least records_min_retention_days (six years), so blobs are write-once, read-many.
# custom:
#   id: azure_records_immutability
#   version: 1.0.0
#   severity: critical
#   controls: [GVL-RET-02]
#   regulations:
#     - {framework: SEC, article: "Rule 17a-4(f)(2)(i)(B)"}
#     - {framework: SEC, article: "Rule 17a-4(a)"}
#     - {framework: NIST-800-53, article: "AU-9"}
#     - {framework: NIST-800-53, article: "SI-12"}
#     - {framework: ISO-27001, article: "A.5.33"}
#   resource_kinds: [azurerm_storage_account]
#   remediation: |
#     resource "azurerm_storage_account" "trades" {
#       blob_properties { versioning_enabled = true }
#       immutability_policy {
#         state                         = "Locked"
#         period_since_creation_in_days = 2190
#         allow_protected_append_writes = false
#       }
#     }
package gavel.retention.azure_records_immutability

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.records
import data.gavel.lib.records.min_days as records_min_days
import data.gavel.lib.terraform

policies := terraform.blocks(input.resource.attributes, "immutability_policy")

subject := terraform.address(input.resource)

deny contains checks.finding(subject, "immutability_policy", null, sprintf("state Locked, period_since_creation_in_days >= %v", [records_min_days])) if {
	records.record_store(input.resource)
	count(policies) == 0
}

deny contains checks.finding(subject, "immutability_policy.state", object.get(p, "state", null), "Locked") if {
	records.record_store(input.resource)
	some p in policies
	p.state != "Locked"
}

deny contains checks.finding(subject, "immutability_policy.period_since_creation_in_days", days, sprintf("at least %v", [records_min_days])) if {
	records.record_store(input.resource)
	some p in policies
	days := object.get(p, "period_since_creation_in_days", null)
	not checks.at_least(days, records_min_days)
}
