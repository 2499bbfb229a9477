package gavel.storage.bucket_encrypted_test

import rego.v1

import data.gavel.storage.bucket_encrypted

test_unencrypted_denied if {
	count(bucket_encrypted.deny) == 1 with input as {"resource": {"id": "b", "attributes": {}}}
}

test_encrypted_allowed if {
	count(bucket_encrypted.deny) == 0 with input as {"resource": {"id": "b", "attributes": {"server_side_encryption_configuration": [{}]}}}
}
