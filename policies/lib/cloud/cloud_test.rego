package gavel.lib.cloud_test

import rego.v1

import data.gavel.lib.cloud
import data.gavel.lib.terraform

bucket := {
	"kind": "AWS::S3::Bucket",
	"attributes": {"supplementaryConfiguration": {
		"ServerSideEncryptionConfiguration": {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyID": "arn:aws:kms:eu-west-1:1:key/k1"}}]},
		"BucketPolicy": {"policyText": "{\"Statement\": []}"},
	}},
}

aws_key(id, manager) := {
	"kind": "AWS::KMS::Key",
	"attributes": {
		"configuration": {"keyId": id, "arn": sprintf("arn:aws:kms:eu-west-1:1:key/%s", [id]), "keyManager": manager},
		"supplementaryConfiguration": {"Aliases": [{"aliasName": sprintf("alias/%s", [id]), "aliasArn": "x"}]},
	},
}

estate := terraform.estate_document({"k1": aws_key("k1", "CUSTOMER"), "k2": aws_key("k2", "AWS")})

test_kinds_by_source if {
	cloud.aws_item(bucket)
	cloud.gcp_asset({"kind": "storage.googleapis.com/Bucket"})
	cloud.azure_row({"kind": "microsoft.storage/storageaccounts"})
	not cloud.inventory({"kind": "aws_s3_bucket"})
}

test_settings_per_source if {
	cloud.settings({"kind": "AWS::EC2::Volume", "attributes": {"configuration": {"encrypted": true}}}).encrypted
	cloud.settings({"kind": "storage.googleapis.com/Bucket", "attributes": {"resource": {"data": {"name": "b"}}}}).name == "b"
	cloud.settings({"kind": "microsoft.storage/storageaccounts", "attributes": {"properties": {"x": 1}}}).x == 1
	cloud.settings({"kind": "aws_s3_bucket", "attributes": {}}) == {}
}

test_s3_config_item_in_terraform_terms if {
	cloud.s3_sse_defaults(bucket) == [{"sse_algorithm": "aws:kms", "kms_master_key_id": "arn:aws:kms:eu-west-1:1:key/k1"}]
	cloud.s3_policy_texts(bucket) == ["{\"Statement\": []}"]
	cloud.s3_sse_defaults({"attributes": {}}) == []
}

test_customer_managed_key_reads_the_collected_key if {
	cloud.customer_managed_key("arn:aws:kms:eu-west-1:1:key/k1") with data.gavel.estate as estate
	cloud.customer_managed_key("alias/k1") with data.gavel.estate as estate
	not cloud.customer_managed_key("k2") with data.gavel.estate as estate
	not cloud.customer_managed_key("alias/aws/s3") with data.gavel.estate as estate
	not cloud.customer_managed_key("") with data.gavel.estate as estate
	not cloud.customer_managed_key(null) with data.gavel.estate as estate
}

test_an_uncollected_key_counts_by_its_name if {
	cloud.customer_managed_key("arn:aws:kms:eu-west-1:1:key/other") with data.gavel.estate as estate
}

test_location_field if {
	cloud.location_field(bucket) == "awsRegion (the region it was created in)"
	cloud.location_field({"kind": "storage.googleapis.com/Bucket"}) == "location"
}
