# METADATA
# title: AWS KMS customer-managed keys rotate automatically
# description: >-
#   Symmetric aws_kms_key resources set enable_key_rotation = true, and a rotation_period_in_days
#   no longer than the max_key_rotation_days parameter (data/encryption.yaml). Asymmetric and
#   HMAC keys cannot rotate automatically and are not judged here.
# custom:
#   id: aws_kms_key_rotation
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-KEY-01]
#   regulations:
#     - {framework: NIST-800-53, article: "SC-12"}
#     - {framework: ISO-27001, article: "A.8.24"}
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 3.8"}
#   resource_kinds: [aws_kms_key, AWS::KMS::Key]
#   remediation: |
#     resource "aws_kms_key" "data" {
#       enable_key_rotation     = true
#       rotation_period_in_days = 365
#     }
package gavel.key_rotation.aws_kms_key_rotation

import rego.v1

import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.terraform

max_days := object.get(checks_documents, ["encryption", "max_key_rotation_days"], 365)

attributes := input.resource.attributes

symmetric if {
	input.resource.kind == "aws_kms_key"
	object.get(attributes, "customer_master_key_spec", "SYMMETRIC_DEFAULT") in {"SYMMETRIC_DEFAULT", null}
}

# A key as AWS Config records it (an export or `gavel audit --aws`): only enabled, symmetric,
# customer-managed keys rotate under the customer's control; AWS rotates its own keys yearly.
config_key if {
	input.resource.kind == "AWS::KMS::Key"
	attributes.configuration.keyManager == "CUSTOMER"
	object.get(attributes.configuration, "keySpec", object.get(attributes.configuration, "customerMasterKeySpec", "SYMMETRIC_DEFAULT")) == "SYMMETRIC_DEFAULT"
	object.get(attributes.configuration, "keyState", "Enabled") == "Enabled"
}

deny contains {
	"msg": sprintf("%s: supplementaryConfiguration.KeyRotationStatus is %v; enable automatic rotation (aws kms enable-key-rotation)", [terraform.address(input.resource), actual]),
	"details": {"field": "supplementaryConfiguration.KeyRotationStatus", "actual": actual, "expected": true},
} if {
	config_key
	actual := object.get(attributes, ["supplementaryConfiguration", "KeyRotationStatus"], null)
	not terraform.is_true(actual)
}

deny contains {
	"msg": sprintf("%s: the rotation period is %v days; rotate at least every %v days (aws kms enable-key-rotation --rotation-period-in-days)", [terraform.address(input.resource), days, max_days]),
	"details": {"field": "supplementaryConfiguration.RotationPeriodInDays", "actual": days, "expected": sprintf("<= %v", [max_days])},
} if {
	config_key
	days := terraform.as_number(attributes.supplementaryConfiguration.RotationPeriodInDays)
	days > max_days
}

deny contains {
	"msg": sprintf("%s: enable_key_rotation is %v; set enable_key_rotation to true", [terraform.address(input.resource), actual]),
	"details": {"field": "enable_key_rotation", "actual": actual, "expected": true},
} if {
	symmetric
	actual := object.get(attributes, "enable_key_rotation", null)
	not terraform.is_true(actual)
}

deny contains {
	"msg": sprintf("%s: rotation_period_in_days is %v; set rotation_period_in_days to at most %v", [terraform.address(input.resource), days, max_days]),
	"details": {"field": "rotation_period_in_days", "actual": days, "expected": sprintf("<= %v", [max_days])},
} if {
	symmetric
	days := terraform.as_number(attributes.rotation_period_in_days)
	days > max_days
}
