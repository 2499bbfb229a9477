# METADATA
# title: S3 buckets block public access
# description: >-
#   No aws_s3_bucket_public_access_block that configures a bucket turns one of its four
#   switches off (block_public_acls, block_public_policy, ignore_public_acls,
#   restrict_public_buckets) unless an aws_s3_account_public_access_block of the plan sets it
#   for the whole account; and a bucket classified confidential or above
#   (public_access_block_classifications, data/network_exposure.yaml) has such a block at all.
# custom:
#   id: s3_public_access_block
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: GDPR, article: "Art. 25(2)"}
#     - {framework: NIST-800-53, article: "AC-3"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: ISO-27001, article: "A.8.3"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 2.1.5"}
#   resource_kinds: [aws_s3_bucket, AWS::S3::Bucket]
#   remediation: |
#     resource "aws_s3_bucket_public_access_block" "customers" {
#       bucket                  = aws_s3_bucket.customers.id
#       block_public_acls       = true
#       block_public_policy     = true
#       ignore_public_acls      = true
#       restrict_public_buckets = true
#     }
package gavel.network_exposure.s3_public_access_block

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.classification
import data.gavel.lib.cloud
import data.gavel.lib.settings
import data.gavel.lib.terraform

switches := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

blocks := settings.of_kind(input.resource, "aws_s3_bucket_public_access_block") if {
	not cloud.aws_item(input.resource)
} else := [{"attributes": {name: object.get(config_block, camel, null) | some name, camel in config_switches}}] if {
	config_block := cloud.supplementary(input.resource, "PublicAccessBlockConfiguration")
} else := []

# An S3 bucket as AWS Config records it (an export or `gavel audit --aws`) holds its block as
# supplementaryConfiguration.PublicAccessBlockConfiguration, in camel case.
config_switches := {
	"block_public_acls": "blockPublicAcls",
	"block_public_policy": "blockPublicPolicy",
	"ignore_public_acls": "ignorePublicAcls",
	"restrict_public_buckets": "restrictPublicBuckets",
}

subject := terraform.address(input.resource)

deny contains checks.finding(subject, sprintf("aws_s3_bucket_public_access_block.%s", [name]), object.get(block.attributes, name, null), true) if {
	some block in blocks
	some name in switches
	not terraform.is_true(object.get(block.attributes, name, null))
	not name in account_wide
}

deny contains checks.finding(subject, "aws_s3_bucket_public_access_block", null, "a block with all four switches true") if {
	count(blocks) == 0
	classification.in_classes(input.resource, object.get(checks.parameters("network_exposure"), "public_access_block_classifications", []))
	some name in switches
	not name in account_wide
}

# The switches an account-level block of the plan sets for every bucket.
account_wide contains name if {
	some block in terraform.estate_resources("aws_s3_account_public_access_block")
	some name in switches
	terraform.is_true(object.get(block.attributes, name, null))
}
