package gavel.key_rotation.gcp_kms_key_rotation_test

import rego.v1

import data.gavel.key_rotation.gcp_kms_key_rotation as policy

key(attributes) := {"id": "terraform:google_kms_crypto_key.data", "kind": "google_kms_crypto_key", "name": "data", "attributes": attributes}

test_no_rotation_denied if {
	[d.msg | some d in policy.deny] == [`google_kms_crypto_key.data: rotation_period is null; set rotation_period to at most "31536000s" (365 days)`] with input as {"resource": key({"rotation_period": null})}
}

test_absent_rotation_denied if {
	count(policy.deny) == 1 with input as {"resource": key({"purpose": "ENCRYPT_DECRYPT"})}
}

test_90_days_allowed if {
	count(policy.deny) == 0 with input as {"resource": key({"rotation_period": "7776000s"})}
}

test_stricter_parameter if {
	count(policy.deny) == 1 with input as {"resource": key({"rotation_period": "7776002s"})} with data.gavel.data.encryption.max_key_rotation_days as 90
	count(policy.deny) == 0 with input as {"resource": key({"rotation_period": "7776000s"})} with data.gavel.data.encryption.max_key_rotation_days as 90
}

test_malformed_period_denied if {
	count(policy.deny) == 1 with input as {"resource": key({"rotation_period": "90d"})}
}

test_asymmetric_not_judged if {
	count(policy.deny) == 0 with input as {"resource": key({"purpose": "ASYMMETRIC_SIGN"})}
}

asset(data) := {"id": "gcp://cloudkms.googleapis.com/projects/p/locations/eu/keyRings/r/cryptoKeys/k", "kind": "cloudkms.googleapis.com/CryptoKey", "name": "k", "attributes": {"resource": {"data": data}}}

test_inventory_keys_read_rotation_period if {
	count(policy.deny) == 0 with input as {"resource": asset({"purpose": "ENCRYPT_DECRYPT", "rotationPeriod": "7776000s"})}
	count(policy.deny) == 1 with input as {"resource": asset({"purpose": "ENCRYPT_DECRYPT", "rotationPeriod": "34560000s"})}
	count(policy.deny) == 1 with input as {"resource": asset({"purpose": "ENCRYPT_DECRYPT"})}
	count(policy.deny) == 0 with input as {"resource": asset({"purpose": "ASYMMETRIC_SIGN"})}
}
