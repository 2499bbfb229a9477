# METADATA
# title: Object stores holding confidential or personal data log every access
# description: >-
#   S3 buckets and Cloud Storage buckets classified confidential or above (the
#   access_logged_classifications parameter, data/audit_logging.yaml) write server access logs
#   to a log bucket, so reads and writes of the data can be traced: S3 through the inline
#   `logging` block or an aws_s3_bucket_logging resource naming the bucket, Cloud Storage
#   through its `logging` block. A log target known only after apply (a log bucket created by
#   the same plan) is a warning to check once applied.
# custom:
#   id: storage_access_logging
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-LOG-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 5(2)"}
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AU-2"}
#     - {framework: NIST-800-53, article: "AU-12"}
#     - {framework: ISO-27001, article: "A.8.15"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 3.6"}
#   resource_kinds: [aws_s3_bucket, google_storage_bucket]
#   remediation: |
#     resource "aws_s3_bucket_logging" "customers" {
#       bucket        = aws_s3_bucket.customers.id
#       target_bucket = aws_s3_bucket.access_logs.id
#       target_prefix = "customers/"
#     }
#     resource "google_storage_bucket" "customers" {
#       logging { log_bucket = google_storage_bucket.access_logs.name }
#     }
package gavel.audit_logging.storage_access_logging

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.classification
import data.gavel.lib.settings
import data.gavel.lib.terraform

logged_classes := object.get(checks.parameters("audit_logging"), "access_logged_classifications", ["confidential", "personal", "special-category"])

# The log-target argument of each kind.
target_path := {"aws_s3_bucket": ["logging", "target_bucket"], "google_storage_bucket": ["logging", "log_bucket"]}

deny contains checks.path_finding(input.resource, path, expected) if {
	judged
	path := target_path[input.resource.kind]
	not logged
	not target_after_apply
}

warn contains checks.after_apply(terraform.address(input.resource), concat(".", path), expected) if {
	judged
	path := target_path[input.resource.kind]
	not logged
	target_after_apply
}

expected := "the name of a log bucket"

# Rules rather than functions, so the deny and the warn share one evaluation of each.
judged if classification.in_classes(input.resource, logged_classes)

logged if named(terraform.leaf_values(input.resource.attributes, target_path[input.resource.kind]))

logged if named([r.attributes.target_bucket | some r in bucket_logging])

target_after_apply if terraform.unknown(input.resource, target_path[input.resource.kind])

target_after_apply if {
	some r in bucket_logging
	terraform.unknown(r, ["target_bucket"])
}

bucket_logging := settings.of_kind(input.resource, "aws_s3_bucket_logging") if {
	input.resource.kind == "aws_s3_bucket"
} else := []

named(targets) if {
	some target in targets
	is_string(target)
	target != ""
}
