package gavel.key_rotation.aws_kms_key_rotation_test

import rego.v1

import data.gavel.key_rotation.aws_kms_key_rotation as policy

key(attributes) := {"id": "terraform:aws_kms_key.data", "kind": "aws_kms_key", "name": "data", "attributes": attributes}

test_rotation_disabled_denied if {
	[d.msg | some d in policy.deny] == ["aws_kms_key.data: enable_key_rotation is false; set enable_key_rotation to true"] with input as {"resource": key({"enable_key_rotation": false})}
}

test_rotation_absent_denied if {
	count(policy.deny) == 1 with input as {"resource": key({"customer_master_key_spec": "SYMMETRIC_DEFAULT"})}
}

test_rotation_enabled_allowed if {
	count(policy.deny) == 0 with input as {"resource": key({"enable_key_rotation": true, "rotation_period_in_days": 90})}
}

test_period_over_parameter_denied if {
	some d in policy.deny with input as {"resource": key({"enable_key_rotation": true, "rotation_period_in_days": 730})}
	d.details.field == "rotation_period_in_days"
	count(policy.deny) == 0 with input as {"resource": key({"enable_key_rotation": true, "rotation_period_in_days": 730})} with data.gavel.data.encryption.max_key_rotation_days as 2560
}

test_asymmetric_key_not_judged if {
	count(policy.deny) == 0 with input as {"resource": key({"customer_master_key_spec": "RSA_2048", "enable_key_rotation": false})}
}

config_key(manager, rotation) := {"id": "aws:arn:aws:kms:us-east-2:1:key/k", "kind": "AWS::KMS::Key", "name": "k", "attributes": {
	"configuration": {"keyManager": manager, "keyState": "Enabled", "customerMasterKeySpec": "SYMMETRIC_DEFAULT"},
	"supplementaryConfiguration": {"KeyRotationStatus": rotation},
}}

test_config_item_without_rotation_denied if {
	[d.details.field | some d in policy.deny] == ["supplementaryConfiguration.KeyRotationStatus"] with input as {"resource": config_key("CUSTOMER", false)}
	count(policy.deny) == 0 with input as {"resource": config_key("CUSTOMER", true)}
}

test_config_item_aws_managed_keys_not_judged if {
	count(policy.deny) == 0 with input as {"resource": config_key("AWS", false)}
}

test_config_item_rotation_period if {
	key := json.patch(config_key("CUSTOMER", true), [{"op": "add", "path": "/attributes/supplementaryConfiguration/RotationPeriodInDays", "value": 730}])
	[d.details.field | some d in policy.deny] == ["supplementaryConfiguration.RotationPeriodInDays"] with input as {"resource": key}
}
