# When a store deletes what it holds: the expiry rules of S3 buckets (inline lifecycle_rule, or
# an aws_s3_bucket_lifecycle_configuration that configures the bucket), Cloud Storage buckets
# (lifecycle rules whose action is Delete) and BigQuery datasets (default table or partition
# expiration). Policies ask whether a store expires data at all, and after how long.
package gavel.lib.lifecycle

import rego.v1

import data.gavel.lib.settings
import data.gavel.lib.terraform

# One entry per expiry the store declares: its age in days, or a string ("date", "condition")
# when it expires on a fixed date or on a condition other than age.
expiries(resource) := [days |
	some expiration in s3_expirations(resource)
	days := s3_expiry_days(expiration)
] if {
	resource.kind == "aws_s3_bucket"
} else := [days |
	some rule in terraform.blocks(resource.attributes, "lifecycle_rule")
	some action in terraform.blocks(rule, "action")
	action.type == "Delete"
	days := object.get(terraform.block(rule, "condition"), "age", "condition")
] if {
	resource.kind == "google_storage_bucket"
} else := [days |
	resource.kind == "google_bigquery_dataset"
	some name in ["default_table_expiration_ms", "default_partition_expiration_ms"]
	ms := terraform.as_number(resource.attributes[name])
	ms > 0
	days := ms / 86400000
]

# True when the store expires data in any way.
expires(resource) if count(expiries(resource)) > 0

# What makes each kind of store expire data, as a message tells the user to add it.
remedy := {
	"aws_s3_bucket": "an enabled lifecycle rule with an expiration",
	"google_storage_bucket": "a lifecycle rule with a Delete action",
	"google_bigquery_dataset": "a default table or partition expiration",
}

# Expiration blocks of enabled S3 lifecycle rules, inline (provider v3) or configured separately.
s3_expirations(bucket) := array.concat(
	[e |
		some rule in terraform.blocks(bucket.attributes, "lifecycle_rule")
		terraform.is_true(rule.enabled)
		some e in terraform.blocks(rule, "expiration")
	],
	[e |
		some config in settings.of_kind(bucket, "aws_s3_bucket_lifecycle_configuration")
		some rule in terraform.blocks(config.attributes, "rule")
		rule.status == "Enabled"
		some e in terraform.blocks(rule, "expiration")
	],
)

s3_expiry_days(expiration) := days if {
	days := terraform.as_number(expiration.days)
	days > 0
} else := "date" if {
	is_string(expiration.date)
	expiration.date != ""
}
