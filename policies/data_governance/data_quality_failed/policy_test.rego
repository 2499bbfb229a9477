package gavel.data_governance.data_quality_failed_test

import rego.v1

import data.gavel.data_governance.data_quality_failed as policy

result(success, expectations) := {"id": "gx:users_quality/1", "kind": "gx_validation_result", "attributes": {
	"success": success, "suite_name": "users_quality", "dataset": "dataset:s3://lake/users",
	"statistics": {"evaluated_expectations": 2, "unsuccessful_expectations": count([e | some e in expectations; not e.success])},
	"expectations": expectations,
}}

test_failed_validation_denied if {
	expectations := [{"type": "expect_column_values_to_not_be_null", "column": "email", "success": false}, {"type": "expect_column_to_exist", "column": "id", "success": true}]
	some d in policy.deny with input as {"resource": result(false, expectations)}
	d.msg == "gx:users_quality/1: suite \"users_quality\" failed 1 of 2 expectations (expect_column_values_to_not_be_null(email)) on dataset:s3://lake/users"
}

test_passing_validation_allowed if {
	count(policy.deny) == 0 with input as {"resource": result(true, [{"type": "expect_column_to_exist", "column": "id", "success": true}])}
}

test_failed_lineage_assertions_denied if {
	dataset := {"id": "openlineage:dataset:pg/customers", "kind": "openlineage_dataset", "attributes": {"data_quality": {"success": false, "assertions": [{"assertion": "accepted_values", "column": "first_name", "success": false}, {"assertion": "not_null", "success": true}]}}}
	some d in policy.deny with input as {"resource": dataset}
	d.msg == "openlineage:dataset:pg/customers: latest data quality assertions failed: accepted_values(first_name)"
}

test_dataset_without_assertions_not_judged if {
	count(policy.deny) == 0 with input as {"resource": {"id": "d", "kind": "openlineage_dataset", "attributes": {"data_quality": null}}}
}
