package gavel.encryption_at_rest.s3_bucket_sse_test

import rego.v1

import data.gavel.lib.terraform

import data.gavel.encryption_at_rest.s3_bucket_sse as policy

bucket(attributes) := {"id": "terraform:aws_s3_bucket.raw", "kind": "aws_s3_bucket", "name": "raw", "attributes": attributes}

sse(algorithm) := [{"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": algorithm}]}]}]

test_missing_sse_denied_with_message if {
	msgs := {d.msg | some d in policy.deny} with input as {"resource": bucket({"bucket": "raw", "server_side_encryption_configuration": []})}
	msgs == {"aws_s3_bucket.raw: server_side_encryption_configuration is missing; set sse_algorithm to aws:kms (or AES256)"}
}

test_absent_attribute_denied if {
	count(policy.deny) == 1 with input as {"resource": bucket({"bucket": "raw"})}
}

test_inline_sse_allowed if {
	count(policy.deny) == 0 with input as {"resource": bucket({"bucket": "raw", "server_side_encryption_configuration": sse("AES256")})}
}

test_empty_algorithm_denied if {
	some d in policy.deny with input as {"resource": bucket({"bucket": "raw", "server_side_encryption_configuration": sse(null)})}
	d.details.expected == "aws:kms"
}

test_separate_resource_allowed if {
	config := {"kind": policy.config_kind, "attributes": {"bucket": "raw", "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]}}
	count(policy.deny) == 0 with input as {"resource": bucket({"bucket": "raw"})} with data.gavel.estate as terraform.estate_document({"c": config})
}

test_separate_resource_for_other_bucket_denied if {
	config := {"kind": policy.config_kind, "attributes": {"bucket": "logs", "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]}}
	count(policy.deny) == 1 with input as {"resource": bucket({"bucket": "raw"})} with data.gavel.estate as terraform.estate_document({"c": config})
}

test_unknown_names_warn_not_deny if {
	config := {"kind": policy.config_kind, "attributes": {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]}}
	count(policy.deny) == 0 with input as {"resource": bucket({"bucket_prefix": "raw-"})} with data.gavel.estate as terraform.estate_document({"c": config})
	count(policy.warn) == 1 with input as {"resource": bucket({"bucket_prefix": "raw-"})} with data.gavel.estate as terraform.estate_document({"c": config})
}
