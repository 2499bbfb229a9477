package gavel.data_governance.personal_data_retention_test

import rego.v1

import data.gavel.data_governance.personal_data_retention as policy

dataset(labels) := {"id": "openlineage:dataset:s3://lake/users", "kind": "openlineage_dataset", "labels": labels}

test_declared_retention_allowed if {
	count(policy.deny) == 0 with input as {"resource": dataset({"data-classification": "personal", "retention": "P2Y"})}
	count(policy.deny) == 0 with input as {"resource": dataset({"data-classification": "personal", "retention-period": "365"})}
}

test_missing_retention_denied if {
	some d in policy.deny with input as {"resource": dataset({"data-classification": "personal"})}
	d.msg == "openlineage:dataset:s3://lake/users: personal data declares no retention period; tag it retention=<ISO 8601 duration, e.g. P2Y>"
}

test_unreadable_and_too_long_retention_denied if {
	count(policy.deny) == 1 with input as {"resource": dataset({"data-classification": "personal", "retention": "forever"})}
	some d in policy.deny with input as {"resource": dataset({"data-classification": "personal", "retention": "P11Y"})}
	d.msg == "openlineage:dataset:s3://lake/users: retention P11Y (4026 days) exceeds the 3650 days allowed for personal data"
}

test_maximum_is_a_parameter if {
	count(policy.deny) == 1 with input as {"resource": dataset({"data-classification": "personal", "retention": "P2Y"})}
		with data.gavel.data.data_governance.max_retention_days as 365
}

test_non_personal_not_judged if {
	count(policy.deny) == 0 with input as {"resource": dataset({"data-classification": "confidential"})}
}
