package gavel.lib.terraform_test

import rego.v1

import data.gavel.lib.terraform

test_address_strips_adapter_prefix if {
	terraform.address({"id": "terraform:module.data.aws_s3_bucket.raw", "kind": "aws_s3_bucket", "name": "raw"}) == "module.data.aws_s3_bucket.raw"
}

test_address_without_prefix if {
	terraform.address({"id": "x", "kind": "aws_s3_bucket", "name": "raw"}) == "aws_s3_bucket.raw"
}

test_block_list_of_one if {
	terraform.block({"versioning": [{"enabled": true}]}, "versioning") == {"enabled": true}
}

test_block_as_object if {
	terraform.block({"versioning": {"enabled": true}}, "versioning") == {"enabled": true}
}

test_block_absent_or_empty_is_undefined if {
	not terraform.block({}, "versioning")
	not terraform.block({"versioning": []}, "versioning")
	not terraform.block({"versioning": null}, "versioning")
}

test_nested_blocks if {
	attrs := {"settings": [{"ip_configuration": [{"require_ssl": true}]}]}
	terraform.nested(attrs, ["settings", "ip_configuration"]) == [{"require_ssl": true}]
	terraform.nested({"settings": []}, ["settings", "ip_configuration"]) == []
}

test_booleans_as_strings if {
	terraform.is_true(true)
	terraform.is_true("True")
	not terraform.is_true(null)
	not terraform.is_true("yes")
	terraform.is_false("false")
	not terraform.is_false(null)
}

test_has_value if {
	terraform.has_value({"a": "x"}, "a")
	not terraform.has_value({"a": null}, "a")
	not terraform.has_value({"a": ""}, "a")
	not terraform.has_value({}, "a")
}

test_as_number if {
	terraform.as_number("90") == 90
	terraform.as_number(7) == 7
	not terraform.as_number("7d")
}

test_estate_resources_by_kind if {
	estate := terraform.estate_document({
		"a": {"kind": "aws_s3_bucket", "name": "a"},
		"b": {"kind": "aws_kms_key", "name": "b"},
	})
	[r.name | some r in terraform.estate_resources("aws_s3_bucket")] == ["a"] with data.gavel.estate as estate
}

test_leaf_values if {
	terraform.leaf_values({"encrypted": true}, ["encrypted"]) == [true]
	terraform.leaf_values({}, ["encrypted"]) == []
	terraform.leaf_values({"encrypt_at_rest": [{"enabled": false}]}, ["encrypt_at_rest", "enabled"]) == [false]
	terraform.leaf_values({"encrypt_at_rest": []}, ["encrypt_at_rest", "enabled"]) == []
}

test_first if {
	terraform.first([1, 2]) == 1
	terraform.first([]) == null
}

test_unknown_matches_the_path_or_a_block_holding_it if {
	bucket := {"unknown": [
		["server_side_encryption_configuration", 0, "rule", 0, "apply_server_side_encryption_by_default", 0, "kms_master_key_id"],
		["logging"],
	]}
	terraform.unknown(bucket, ["server_side_encryption_configuration", "rule", "apply_server_side_encryption_by_default", "kms_master_key_id"])
	terraform.unknown(bucket, ["logging", "target_bucket"])
	not terraform.unknown(bucket, ["server_side_encryption_configuration", "rule", "apply_server_side_encryption_by_default", "sse_algorithm"])
	not terraform.unknown(bucket, ["server_side_encryption_configuration"])
	not terraform.unknown({}, ["logging"])
}
