package gavel.data_governance.data_quality_stale_test

import rego.v1

import data.gavel.data_governance.data_quality_stale as policy
import data.gavel.lib.graph

dataset := {"id": "openlineage:dataset:s3://lake/users", "kind": "openlineage_dataset", "attributes": {"namespace": "s3://lake", "name": "users", "last_event_time": "2025-03-20T00:00:00+00:00"}}

# Validation results, each joined by a `validates` edge to the dataset resource its key names.
estate(results) := graph.estate_document(
	{sprintf("gx:%d", [i]): r | some i, r in results},
	[{"from": sprintf("gx:%d", [i]), "to": dataset_ids[r.attributes.dataset], "type": "validates"} | some i, r in results],
)

validation(success, run_time, target) := {"kind": "gx_validation_result", "attributes": {"success": success, "run_time": run_time, "dataset": target}}

dataset_ids := {
	"dataset:s3://lake/users": dataset.id,
	"dataset:s3://lake/other": "openlineage:dataset:s3://lake/other",
}

test_recent_passing_validation_allowed if {
	count(policy.deny) == 0 with input as {"resource": dataset}
		with data.gavel.estate as estate([validation(true, "2025-03-15T09:00:00+00:00", "dataset:s3://lake/users")])
}

test_stale_validation_denied if {
	some d in policy.deny with input as {"resource": dataset}
		with data.gavel.estate as estate([
			validation(true, "2025-02-01T00:00:00+00:00", "dataset:s3://lake/users"),
			validation(false, "2025-03-19T00:00:00+00:00", "dataset:s3://lake/users"),
		])
	d.msg == "openlineage:dataset:s3://lake/users: latest passing validation is 47 days older than its last use (2025-03-20T00:00:00+00:00); at most 7 days allowed"
}

test_only_failed_validations_denied if {
	some d in policy.deny with input as {"resource": dataset}
		with data.gavel.estate as estate([validation(false, "2025-03-19T00:00:00+00:00", "dataset:s3://lake/users")])
	d.msg == "openlineage:dataset:s3://lake/users: none of its 1 data quality validations passed"
}

test_unvalidated_or_other_datasets_not_judged if {
	count(policy.deny) == 0 with input as {"resource": dataset}
	count(policy.deny) == 0 with input as {"resource": dataset}
		with data.gavel.estate as estate([validation(false, "2025-03-19T00:00:00+00:00", "dataset:s3://lake/other")])
}
