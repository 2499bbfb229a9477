package gavel.cloud_storage.kms_key_deletion_in_use_test

import rego.v1

import data.gavel.cloud_storage.kms_key_deletion_in_use as policy

aws_key(state) := {"id": "aws:arn:aws:kms:us-east-1:1:key/k", "kind": "AWS::KMS::Key", "name": "k", "attributes": {"configuration": {"keyState": state, "keyManager": "CUSTOMER"}}}

gcp_key(state) := {"id": "gcp://cloudkms.googleapis.com/projects/p/locations/eu/keyRings/r/cryptoKeys/k", "kind": "cloudkms.googleapis.com/CryptoKey", "name": "k", "attributes": {"resource": {"data": {"primary": {"state": state}}}}}

estate(key) := {
	"resources": {"aws:db": {"id": "aws:db", "kind": "AWS::RDS::DBCluster", "platform": "aws"}},
	"in": {key.id: {"encrypted_by": ["aws:db"]}},
}

test_pending_deletion_with_dependents_denied if {
	key := aws_key("PendingDeletion")
	[d.msg | some d in policy.deny] == ["AWS::KMS::Key.k: configuration.keyState is PendingDeletion while 1 collected resource(s) are encrypted with it (aws:db); cancel the deletion or re-enable the key, and re-encrypt them before retiring it"] with input as {"resource": key} with data.gavel.estate as estate(key)
}

test_enabled_key_allowed if {
	key := aws_key("Enabled")
	count(policy.deny) == 0 with input as {"resource": key} with data.gavel.estate as estate(key)
}

test_unused_key_may_be_deleted if {
	count(policy.deny) == 0 with input as {"resource": aws_key("PendingDeletion")} with data.gavel.estate as {}
}

test_gcp_destroy_scheduled_denied if {
	key := gcp_key("DESTROY_SCHEDULED")
	some d in policy.deny with input as {"resource": key} with data.gavel.estate as estate(key)
	d.details.field == "resource.data.primary.state"
	count(policy.deny) == 0 with input as {"resource": gcp_key("ENABLED")} with data.gavel.estate as estate(gcp_key("ENABLED"))
}

test_states_are_a_parameter if {
	key := aws_key("Disabled")
	count(policy.deny) == 0 with input as {"resource": key} with data.gavel.estate as estate(key) with data.gavel.data.cloud_storage.unusable_key_states as ["PendingDeletion"]
}
