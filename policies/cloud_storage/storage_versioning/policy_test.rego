package gavel.cloud_storage.storage_versioning_test

import rego.v1

import data.gavel.cloud_storage.storage_versioning as policy

s3(versioning) := {"id": "aws:arn:aws:s3:::customers", "kind": "AWS::S3::Bucket", "name": "customers", "classification": "personal", "attributes": {"supplementaryConfiguration": {"BucketVersioningConfiguration": versioning}}}

gcs(data) := {"id": "gcp://storage.googleapis.com/customers", "kind": "storage.googleapis.com/Bucket", "name": "customers", "classification": "personal", "attributes": {"resource": {"data": data}}}

test_s3_versioning_off_denied if {
	[d.msg | some d in policy.deny] == ["AWS::S3::Bucket.customers (personal data): supplementaryConfiguration.BucketVersioningConfiguration.status is Off; set supplementaryConfiguration.BucketVersioningConfiguration.status to Enabled"] with input as {"resource": s3({"status": "Off"})}
	count(policy.deny) == 1 with input as {"resource": s3({"status": "Suspended"})}
}

test_s3_without_versioning_item_denied if {
	resource := {"id": "aws:b", "kind": "AWS::S3::Bucket", "name": "b", "classification": "personal", "attributes": {}}
	count(policy.deny) == 1 with input as {"resource": resource}
}

test_s3_versioning_enabled_allowed if {
	count(policy.deny) == 0 with input as {"resource": s3({"status": "Enabled"})}
}

test_gcs_versioning if {
	count(policy.deny) == 1 with input as {"resource": gcs({"versioning": {}})}
	count(policy.deny) == 0 with input as {"resource": gcs({"versioning": {"enabled": true}})}
}

test_internal_buckets_not_judged if {
	count(policy.deny) == 0 with input as {"resource": object.union(s3({"status": "Off"}), {"classification": "internal"})}
}
