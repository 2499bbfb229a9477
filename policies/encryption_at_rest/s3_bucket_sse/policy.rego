# METADATA
# title: S3 buckets declare default server-side encryption
# description: >-
#   Every S3 bucket declares its default encryption, inline
#   (server_side_encryption_configuration) or with an
#   aws_s3_bucket_server_side_encryption_configuration resource in the same plan. S3 has applied
#   SSE-S3 to new objects since January 2023, so a bucket without the declaration is not
#   plaintext, but its encryption is then neither declared, reviewed nor under a key you manage;
#   hence medium. When the bucket's name is only known after apply and the plan holds such
#   resources, the policy warns instead.
# custom:
#   id: s3_bucket_sse
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-ENC-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: NIST-800-53, article: "SC-28(1)"}
#     - {framework: ISO-27001, article: "A.8.24"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 2.1.1"}
#   resource_kinds: [aws_s3_bucket, AWS::S3::Bucket]
#   remediation: |
#     resource "aws_s3_bucket_server_side_encryption_configuration" "raw" {
#       bucket = aws_s3_bucket.raw.id
#       rule {
#         apply_server_side_encryption_by_default {
#           sse_algorithm     = "aws:kms"
#           kms_master_key_id = aws_kms_key.data.arn
#         }
#       }
#     }
package gavel.encryption_at_rest.s3_bucket_sse

import rego.v1

import data.gavel.lib.s3
import data.gavel.lib.s3.input_sse_defaults
import data.gavel.lib.terraform

config_kind := "aws_s3_bucket_server_side_encryption_configuration"

sse_defaults := input_sse_defaults

undeterminable if s3.undeterminable(input.resource, config_kind)

deny contains {
	"msg": sprintf("%s: server_side_encryption_configuration is missing; set sse_algorithm to aws:kms (or AES256)", [terraform.address(input.resource)]),
	"details": {"field": "server_side_encryption_configuration", "actual": null, "expected": "sse_algorithm = aws:kms"},
} if {
	count(sse_defaults) == 0
	not undeterminable
}

deny contains {
	"msg": sprintf("%s: server_side_encryption_configuration has no sse_algorithm; set sse_algorithm to aws:kms (or AES256)", [terraform.address(input.resource)]),
	"details": {"field": "server_side_encryption_configuration.rule.apply_server_side_encryption_by_sse_default.sse_algorithm", "actual": null, "expected": "aws:kms"},
} if {
	some sse_default in sse_defaults
	not terraform.has_value(sse_default, "sse_algorithm")
}

warn contains {
	"msg": sprintf("%s: the bucket name is known only after apply, so its %s cannot be matched; check that one applies with sse_algorithm aws:kms", [terraform.address(input.resource), config_kind]),
	"details": {"field": "bucket", "actual": null, "expected": "a known bucket name"},
} if {
	count(sse_defaults) == 0
	undeterminable
}
