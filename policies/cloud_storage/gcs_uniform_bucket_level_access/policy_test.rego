package gavel.cloud_storage.gcs_uniform_bucket_level_access_test

import rego.v1

import data.gavel.cloud_storage.gcs_uniform_bucket_level_access as policy

bucket(iam) := {"id": "gcp://storage.googleapis.com/b", "kind": "storage.googleapis.com/Bucket", "name": "b", "attributes": {"resource": {"data": {"iamConfiguration": iam}}}}

test_fine_grained_acls_denied if {
	[d.msg | some d in policy.deny] == ["storage.googleapis.com/Bucket.b: resource.data.iamConfiguration.uniformBucketLevelAccess.enabled is false; set resource.data.iamConfiguration.uniformBucketLevelAccess.enabled to true"] with input as {"resource": bucket({"uniformBucketLevelAccess": {"enabled": false}})}
}

test_missing_configuration_denied if {
	count(policy.deny) == 1 with input as {"resource": {"kind": "storage.googleapis.com/Bucket", "name": "b", "id": "gcp:b", "attributes": {}}}
}

test_uniform_or_bucket_policy_only_allowed if {
	count(policy.deny) == 0 with input as {"resource": bucket({"uniformBucketLevelAccess": {"enabled": true}})}
	count(policy.deny) == 0 with input as {"resource": bucket({"bucketPolicyOnly": {"enabled": true, "lockedTime": "2019-09-05T10:18:44.437Z"}})}
}
