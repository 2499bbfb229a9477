# METADATA
# title: Stores holding personal data expire it automatically
# description: >-
#   Personal data is kept no longer than needed: an S3 bucket classified personal has an
#   enabled lifecycle rule with an expiration (inline lifecycle_rule or an
#   aws_s3_bucket_lifecycle_configuration naming it), a Cloud Storage bucket a lifecycle_rule
#   whose action is Delete, a BigQuery dataset a default table or partition expiration. When the
#   max_personal_data_days parameter (data/retention.yaml) is set, the expiry must come within
#   it. Which classifications need an expiry is the expiry_classifications parameter.
# custom:
#   id: personal_data_expiry
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-RET-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 5(1)(e)"}
#     - {framework: GDPR, article: "Art. 25(2)"}
#     - {framework: NIST-800-53, article: "SI-12"}
#     - {framework: ISO-27001, article: "A.8.10"}
#   resource_kinds: [aws_s3_bucket, google_storage_bucket, google_bigquery_dataset]
#   remediation: |
#     resource "aws_s3_bucket_lifecycle_configuration" "customers" {
#       bucket = aws_s3_bucket.customers.id
#       rule {
#         id     = "expire-personal-data"
#         status = "Enabled"
#         filter {}
#         expiration { days = 365 }
#       }
#     }
#     resource "google_storage_bucket" "customers" {
#       lifecycle_rule {
#         condition { age = 365 }
#         action { type = "Delete" }
#       }
#     }
#     resource "google_bigquery_dataset" "customers" {
#       default_table_expiration_ms = 31536000000   # 365 days
#     }
package gavel.retention.personal_data_expiry

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.classification
import data.gavel.lib.lifecycle
import data.gavel.lib.terraform

params := checks.parameters("retention")

max_days := object.get(params, "max_personal_data_days", null)

expiries := lifecycle.expiries(input.resource)

field := {
	"aws_s3_bucket": "lifecycle_rule.expiration",
	"google_storage_bucket": "lifecycle_rule.action.type",
	"google_bigquery_dataset": "default_table_expiration_ms",
}

expected := {
	"aws_s3_bucket": "an enabled rule with expiration.days",
	"google_storage_bucket": "a Delete rule with condition.age",
	"google_bigquery_dataset": "the expiry in milliseconds",
}

judged if classification.in_classes(input.resource, object.get(params, "expiry_classifications", ["personal", "special-category"]))

deny contains checks.finding(terraform.address(input.resource), field[input.resource.kind], null, expected[input.resource.kind]) if {
	judged
	count(expiries) == 0
}

deny contains checks.finding(terraform.address(input.resource), field[input.resource.kind], shortest, sprintf("at most %v days", [max_days])) if {
	judged
	is_number(max_days)
	count(expiries) > 0
	every days in expiries {
		is_number(days)
		days > max_days
	}
	shortest := min(expiries)
}
