package gavel.encryption_at_rest.volume_encrypted_test

import rego.v1

import data.gavel.lib.terraform

import data.gavel.encryption_at_rest.volume_encrypted as policy

volume(attributes) := {"id": "terraform:aws_ebs_volume.data", "kind": "aws_ebs_volume", "name": "data", "attributes": attributes}

test_unencrypted_volume_denied if {
	[d.msg | some d in policy.deny] == ["aws_ebs_volume.data: encrypted is false; set encrypted to true"] with input as {"resource": volume({"encrypted": false})}
}

test_missing_attribute_denied if {
	some d in policy.deny with input as {"resource": volume({"size": 40})}
	d.details == {"field": "encrypted", "actual": null, "expected": true}
}

test_encrypted_volume_allowed if {
	count(policy.deny) == 0 with input as {"resource": volume({"encrypted": true})}
	count(policy.deny) == 0 with input as {"resource": volume({"encrypted": "true"})}
}

test_account_default_encryption_allowed if {
	estate := {"e": {"kind": "aws_ebs_encryption_by_default", "attributes": {"enabled": true}}}
	count(policy.deny) == 0 with input as {"resource": volume({})} with data.gavel.estate as terraform.estate_document(estate)
}

test_disabled_account_default_still_denied if {
	estate := {"e": {"kind": "aws_ebs_encryption_by_default", "attributes": {"enabled": false}}}
	count(policy.deny) == 1 with input as {"resource": volume({})} with data.gavel.estate as terraform.estate_document(estate)
}

test_instance_block_devices if {
	instance := {"id": "terraform:aws_instance.worker", "kind": "aws_instance", "name": "worker", "attributes": {
		"root_block_device": [{"encrypted": true}],
		"ebs_block_device": [{"device_name": "/dev/sdf", "encrypted": false}],
	}}
	[d.details.field | some d in policy.deny] == ["ebs_block_device[0].encrypted"] with input as {"resource": instance}
}

test_instance_without_block_devices_allowed if {
	instance := {"id": "terraform:aws_instance.worker", "kind": "aws_instance", "name": "worker", "attributes": {"root_block_device": []}}
	count(policy.deny) == 0 with input as {"resource": instance}
}

test_launch_template if {
	lt := {"id": "terraform:aws_launch_template.gpu", "kind": "aws_launch_template", "name": "gpu", "attributes": {"block_device_mappings": [{"ebs": [{"volume_size": 100}]}]}}
	[d.details.field | some d in policy.deny] == ["block_device_mappings[0].ebs.encrypted"] with input as {"resource": lt}
}

test_encryption_known_only_after_apply_warns_instead_of_denying if {
	r := object.union(volume({"size": 40}), {"unknown": [["encrypted"], ["kms_key_id"]]})
	count(policy.deny) == 0 with input as {"resource": r}
	[w.msg | some w in policy.warn] == ["aws_ebs_volume.data: encrypted is known only after apply (the account default decides it); set encrypted to true"] with input as {"resource": r}
}

test_a_known_false_is_denied_even_beside_unknown_values if {
	r := object.union(volume({"encrypted": false}), {"unknown": [["kms_key_id"]]})
	count(policy.deny) == 1 with input as {"resource": r}
	count(policy.warn) == 0 with input as {"resource": r}
}
