# METADATA
# title: S3 buckets holding personal data use a customer-managed KMS key
# description: >-
#   Personal data at rest must be encrypted with a key the controller manages (rotation, access
#   policy, revocation): a bucket classified personal needs sse_algorithm aws:kms (or
#   aws:kms:dsse) with kms_master_key_id set, inline or through
#   aws_s3_bucket_server_side_encryption_configuration. SSE-S3 (AES256) and the AWS-managed
#   aws/s3 key do not qualify.
# custom:
#   id: s3_personal_data_cmk
#   version: 1.0.0
#   severity: high
#   controls: [GVL-ENC-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: NIST-800-53, article: "SC-12"}
#     - {framework: NIST-800-53, article: "SC-28(1)"}
#     - {framework: ISO-27001, article: "A.8.24"}
#   resource_kinds: [aws_s3_bucket, AWS::S3::Bucket]
#   remediation: |
#     resource "aws_s3_bucket_server_side_encryption_configuration" "customers" {
#       bucket = aws_s3_bucket.customers.id
#       rule {
#         apply_server_side_encryption_by_default {
#           sse_algorithm     = "aws:kms"
#           kms_master_key_id = aws_kms_key.personal_data.arn
#         }
#         bucket_key_enabled = true
#       }
#     }
package gavel.encryption_at_rest.s3_personal_data_cmk

import rego.v1

import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.classification
import data.gavel.lib.s3
import data.gavel.lib.s3.input_sse_defaults
import data.gavel.lib.terraform

kms_algorithms := object.get(checks_documents, ["encryption", "kms_sse_algorithms"], ["aws:kms", "aws:kms:dsse"])

cmk_classes := object.get(checks_documents, ["encryption", "cmk_classifications"], ["personal", "special-category"])

field := "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default"

# Rules rather than function calls, so every rule below shares one evaluation of each.
judged if classification.in_classes(input.resource, cmk_classes)

sse_defaults := input_sse_defaults

deny contains {
	"msg": sprintf("%s: %s data without a customer-managed key (%s); set sse_algorithm to aws:kms and kms_master_key_id to your KMS key", [terraform.address(input.resource), classification.of(input.resource), problem]),
	"details": {"field": field, "actual": actual, "expected": "sse_algorithm = aws:kms, kms_master_key_id = <customer-managed key ARN>"},
} if {
	judged
	not s3.undeterminable(input.resource, "aws_s3_bucket_server_side_encryption_configuration")
	not uses_cmk
	not key_after_apply
	[problem, actual] := finding
}

warn contains {
	"msg": sprintf("%s: kms_master_key_id is known only after apply; check that it names a customer-managed key, not alias/aws/s3", [terraform.address(input.resource)]),
	"details": {"field": concat(".", [field, "kms_master_key_id"]), "actual": "(known after apply)", "expected": "<customer-managed key ARN>"},
} if {
	judged
	not uses_cmk
	key_after_apply
}

# KMS encryption whose key the plan cannot show yet: neither a pass nor a violation.
key_after_apply if {
	s3.kms_key_unknown(input.resource)
	some sse_default in sse_defaults
	sse_default.sse_algorithm in kms_algorithms
}

uses_cmk if {
	some sse_default in sse_defaults
	sse_default.sse_algorithm in kms_algorithms
	customer_key(sse_default.kms_master_key_id)
}

customer_key(key) if {
	is_string(key)
	key != ""
	not endswith(key, "alias/aws/s3")
}

finding := ["no default encryption is declared", null] if {
	count(sse_defaults) == 0
} else := [sprintf("sse_algorithm is %v", [algorithms]), algorithms] if {
	algorithms := [a | some d in sse_defaults; a := object.get(d, "sse_algorithm", null)]
	every a in algorithms {
		not a in kms_algorithms
	}
} else := ["kms_master_key_id is not a customer-managed key", "kms_master_key_id"]
