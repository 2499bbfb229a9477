# METADATA
# title: EBS volumes and instance block devices are encrypted
# description: >-
#   aws_ebs_volume, and the root and EBS block devices of aws_instance and aws_launch_template,
#   set `encrypted = true`. An absent value counts as unencrypted, unless the plan enables EBS
#   encryption by default for the account (aws_ebs_encryption_by_default).
# custom:
#   id: volume_encrypted
#   version: 1.0.0
#   severity: high
#   controls: [GVL-ENC-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: NIST-800-53, article: "SC-28(1)"}
#     - {framework: ISO-27001, article: "A.8.24"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 2.2.1"}
#   resource_kinds: [aws_ebs_volume, aws_instance, aws_launch_template, AWS::EC2::Volume]
#   remediation: |
#     resource "aws_ebs_volume" "data" {
#       encrypted  = true
#       kms_key_id = aws_kms_key.data.arn
#     }
#     resource "aws_instance" "worker" {
#       root_block_device { encrypted = true }
#     }
#     # or once per account and region: resource "aws_ebs_encryption_by_default" "this" { enabled = true }
package gavel.encryption_at_rest.volume_encrypted

import rego.v1

import data.gavel.lib.terraform

# [field, value, attribute path] for every volume of the resource.
volumes contains ["encrypted", object.get(input.resource.attributes, "encrypted", null), ["encrypted"]] if {
	input.resource.kind == "aws_ebs_volume"
}

# An EBS volume as AWS Config records it (an export or `gavel audit --aws`).
volumes contains ["configuration.encrypted", object.get(input.resource.attributes, ["configuration", "encrypted"], null), ["configuration", "encrypted"]] if {
	input.resource.kind == "AWS::EC2::Volume"
}

volumes contains [sprintf("%s[%d].encrypted", [name, i]), object.get(device, "encrypted", null), [name, "encrypted"]] if {
	input.resource.kind == "aws_instance"
	some name in ["root_block_device", "ebs_block_device"]
	some i, device in terraform.blocks(input.resource.attributes, name)
}

volumes contains [sprintf("block_device_mappings[%d].ebs.encrypted", [i]), object.get(ebs, "encrypted", null), ["block_device_mappings", "ebs", "encrypted"]] if {
	input.resource.kind == "aws_launch_template"
	some i, mapping in terraform.blocks(input.resource.attributes, "block_device_mappings")
	some ebs in terraform.blocks(mapping, "ebs")
}

encryption_by_default if {
	some r in terraform.estate_resources("aws_ebs_encryption_by_default")
	not terraform.is_false(object.get(r.attributes, "enabled", true))
}

deny contains {
	"msg": sprintf("%s: %s is %v; set %s to true", [terraform.address(input.resource), field, value, field]),
	"details": {"field": field, "actual": value, "expected": true},
} if {
	some [field, value, path] in volumes
	not terraform.is_true(value)
	not after_apply(value, path)
	not encryption_by_default
}

warn contains {
	"msg": sprintf("%s: %s is known only after apply (the account default decides it); set %s to true", [terraform.address(input.resource), field, field]),
	"details": {"field": field, "actual": "(known after apply)", "expected": true},
} if {
	some [field, value, path] in volumes
	after_apply(value, path)
	not encryption_by_default
}

# Absent from the plan because the provider computes it at apply: neither true nor false yet.
after_apply(value, path) if {
	value == null
	terraform.unknown(input.resource, path)
}
