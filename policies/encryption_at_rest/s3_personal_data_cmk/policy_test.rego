package gavel.encryption_at_rest.s3_personal_data_cmk_test

import rego.v1

import data.gavel.lib.terraform

import data.gavel.encryption_at_rest.s3_personal_data_cmk as policy

bucket(defaults, classification) := {
	"id": "terraform:aws_s3_bucket.customers", "kind": "aws_s3_bucket", "name": "customers", "classification": classification,
	"attributes": {"bucket": "customers", "server_side_encryption_configuration": [{"rule": [{"apply_server_side_encryption_by_default": defaults}]}]},
}

key := "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

test_personal_with_cmk_allowed if {
	count(policy.deny) == 0 with input as {"resource": bucket([{"sse_algorithm": "aws:kms", "kms_master_key_id": key}], "personal")}
}

test_personal_with_sse_s3_denied if {
	some d in policy.deny with input as {"resource": bucket([{"sse_algorithm": "AES256"}], "personal")}
	contains(d.msg, `sse_algorithm is ["AES256"]`)
	contains(d.msg, "set sse_algorithm to aws:kms")
}

test_kms_without_key_denied if {
	some d in policy.deny with input as {"resource": bucket([{"sse_algorithm": "aws:kms", "kms_master_key_id": null}], "special-category")}
	contains(d.msg, "kms_master_key_id is not a customer-managed key")
}

test_aws_managed_alias_denied if {
	count(policy.deny) == 1 with input as {"resource": bucket([{"sse_algorithm": "aws:kms", "kms_master_key_id": "alias/aws/s3"}], "personal")}
}

test_no_encryption_denied if {
	r := {"id": "terraform:aws_s3_bucket.customers", "kind": "aws_s3_bucket", "name": "customers", "classification": "personal", "attributes": {"bucket": "customers"}}
	some d in policy.deny with input as {"resource": r}
	contains(d.msg, "no default encryption is declared")
}

test_confidential_not_required if {
	count(policy.deny) == 0 with input as {"resource": bucket([{"sse_algorithm": "AES256"}], "confidential")}
}

test_classes_are_a_parameter if {
	count(policy.deny) == 1 with input as {"resource": bucket([{"sse_algorithm": "AES256"}], "confidential")}
		with data.gavel.data.encryption.cmk_classifications as ["confidential"]
}

test_separate_configuration_with_cmk_allowed if {
	r := {"id": "terraform:aws_s3_bucket.customers", "kind": "aws_s3_bucket", "name": "customers", "classification": "personal", "attributes": {"bucket": "customers"}}
	config := {"kind": "aws_s3_bucket_server_side_encryption_configuration", "attributes": {"bucket": "customers", "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms", "kms_master_key_id": key}]}]}}
	count(policy.deny) == 0 with input as {"resource": r} with data.gavel.estate as terraform.estate_document({"c": config})
}

test_key_known_only_after_apply_warns_instead_of_denying if {
	r := object.union(bucket([{"sse_algorithm": "aws:kms"}], "personal"), {"unknown": [["server_side_encryption_configuration", 0, "rule", 0, "apply_server_side_encryption_by_default", 0, "kms_master_key_id"]]})
	count(policy.deny) == 0 with input as {"resource": r}
	some w in policy.warn with input as {"resource": r}
	contains(w.msg, "kms_master_key_id is known only after apply")
}

test_unknown_key_with_sse_s3_still_denied if {
	r := object.union(bucket([{"sse_algorithm": "AES256"}], "personal"), {"unknown": [["server_side_encryption_configuration", 0, "rule", 0, "apply_server_side_encryption_by_default", 0, "kms_master_key_id"]]})
	count(policy.deny) == 1 with input as {"resource": r}
}
