# METADATA
# title: S3 buckets of regulated records use Object Lock in compliance mode
# description: >-
#   A bucket tagged as holding books and records (records-class: sec-17a-4, data/retention.yaml)
#   stores them write-once: Object Lock is enabled and its default retention is COMPLIANCE mode
#   (which no user, root included, can shorten or remove, unlike GOVERNANCE) for at least
#   records_min_retention_days (six years). Read from the bucket's object_lock_enabled and
#   object_lock_configuration, or an aws_s3_bucket_object_lock_configuration naming it.
# custom:
#   id: s3_object_lock_records
#   version: 1.0.0
#   severity: critical
#   controls: [GVL-RET-02]
#   regulations:
#     - {framework: SEC, article: "Rule 17a-4(f)(2)(i)(B)"}
#     - {framework: SEC, article: "Rule 17a-4(a)"}
#     - {framework: NIST-800-53, article: "AU-9"}
#     - {framework: NIST-800-53, article: "SI-12"}
#     - {framework: ISO-27001, article: "A.5.33"}
#   resource_kinds: [aws_s3_bucket, AWS::S3::Bucket]
#   remediation: |
#     resource "aws_s3_bucket" "trades" {
#       bucket              = "trade-records"
#       object_lock_enabled = true
#     }
#     resource "aws_s3_bucket_object_lock_configuration" "trades" {
#       bucket = aws_s3_bucket.trades.id
#       rule {
#         default_retention {
#           mode  = "COMPLIANCE"
#           years = 6
#         }
#       }
#     }
package gavel.retention.s3_object_lock_records

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.cloud
import data.gavel.lib.records
import data.gavel.lib.records.min_days as records_min_days
import data.gavel.lib.settings
import data.gavel.lib.terraform

attributes := input.resource.attributes

subject := terraform.address(input.resource)

judged if records.record_store(input.resource)

deny contains checks.finding(subject, "object_lock_enabled", object.get(attributes, "object_lock_enabled", null), true) if {
	judged
	not lock_enabled
	not terraform.unknown(input.resource, ["object_lock_enabled"])
}

warn contains checks.after_apply(subject, "object_lock_enabled", true) if {
	judged
	not lock_enabled
	terraform.unknown(input.resource, ["object_lock_enabled"])
}

deny contains checks.finding(subject, "object_lock_configuration.rule.default_retention", null, "a COMPLIANCE mode default retention") if {
	judged
	lock_enabled
	count(retentions) == 0
}

deny contains checks.finding(subject, "object_lock_configuration.rule.default_retention.mode", r.mode, "COMPLIANCE") if {
	judged
	some r in retentions
	r.mode != "COMPLIANCE"
}

deny contains checks.finding(subject, "object_lock_configuration.rule.default_retention.days", days, sprintf("at least %v (or years = %v)", [records_min_days, ceil(records_min_days / 365)])) if {
	judged
	some r in retentions
	days := retention_days(r)
	days < records_min_days
}

lock_enabled if terraform.is_true(attributes.object_lock_enabled)

lock_enabled if cloud.supplementary(input.resource, "ObjectLockConfiguration").objectLockEnabled == "Enabled"

# The default retention of an S3 bucket as AWS Config records it (an export or `gavel audit --aws`).
config_retentions := [r |
	r := cloud.supplementary(input.resource, "ObjectLockConfiguration").rule.defaultRetention
	is_object(r)
]

lock_enabled if {
	some config in terraform.blocks(attributes, "object_lock_configuration")
	config.object_lock_enabled == "Enabled"
}

# Default retention rules, inline or on aws_s3_bucket_object_lock_configuration resources.
retentions := array.concat(config_retentions, [r |
	some config in array.concat(
		terraform.blocks(attributes, "object_lock_configuration"),
		[c.attributes | some c in settings.of_kind(input.resource, "aws_s3_bucket_object_lock_configuration")],
	)
	some rule in terraform.blocks(config, "rule")
	some r in terraform.blocks(rule, "default_retention")
])

retention_days(r) := terraform.as_number(r.days) if {
	terraform.as_number(r.days) > 0
} else := terraform.as_number(r.years) * 365 if {
	terraform.as_number(r.years) > 0
} else := 0
