# METADATA
# title: Cloud Storage buckets of regulated records have a locked retention policy
# description: >-
#   A bucket labelled as holding books and records (records-class: sec-17a-4, data/retention.yaml)
#   has a retention_policy that is locked (is_locked = true: it can no longer be shortened or
#   removed) with a retention_period of at least records_min_retention_days (six years), so
#   objects cannot be deleted or overwritten before then.
# custom:
#   id: gcs_records_retention_lock
#   version: 1.0.0
#   severity: critical
#   controls: [GVL-RET-02]
#   regulations:
#     - {framework: SEC, article: "Rule 17a-4(f)(2)(i)(B)"}
#     - {framework: SEC, article: "Rule 17a-4(a)"}
#     - {framework: NIST-800-53, article: "AU-9"}
#     - {framework: NIST-800-53, article: "SI-12"}
#     - {framework: ISO-27001, article: "A.5.33"}
#   resource_kinds: [google_storage_bucket]
#   remediation: |
#     resource "google_storage_bucket" "trades" {
#       retention_policy {
#         is_locked        = true
#         retention_period = 189216000   # 6 years, in seconds
#       }
#     }
package gavel.retention.gcs_records_retention_lock

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.records
import data.gavel.lib.records.min_days as records_min_days
import data.gavel.lib.terraform

min_seconds := records_min_days * 86400

policies := terraform.blocks(input.resource.attributes, "retention_policy")

subject := terraform.address(input.resource)

deny contains checks.finding(subject, "retention_policy", null, sprintf("a locked policy of at least %v seconds", [min_seconds])) if {
	records.record_store(input.resource)
	count(policies) == 0
}

deny contains checks.finding(subject, "retention_policy.is_locked", object.get(p, "is_locked", null), true) if {
	records.record_store(input.resource)
	some p in policies
	not terraform.is_true(p.is_locked)
}

deny contains checks.finding(subject, "retention_policy.retention_period", period, sprintf("at least %v (%v days)", [min_seconds, records_min_days])) if {
	records.record_store(input.resource)
	some p in policies
	period := object.get(p, "retention_period", null)
	not checks.at_least(period, min_seconds)
}
