package gavel.audit_logging.cloudtrail_log_file_validation_test

import rego.v1

import data.gavel.audit_logging.cloudtrail_log_file_validation as policy

trail(attributes) := {"id": "terraform:aws_cloudtrail.account", "kind": "aws_cloudtrail", "name": "account", "attributes": attributes}

test_validation_on_allowed if {
	count(policy.deny) == 0 with input as {"resource": trail({"enable_log_file_validation": true})}
}

test_validation_off_denied if {
	[d.msg | some d in policy.deny] == ["aws_cloudtrail.account: enable_log_file_validation is false; set enable_log_file_validation to true"] with input as {"resource": trail({"enable_log_file_validation": false})}
}

test_validation_unset_denied if {
	some d in policy.deny with input as {"resource": trail({})}
	d.details.actual == null
}
