package gavel.cross_layer.production_model_unvalidated_training_data_test

import rego.v1

import data.gavel.lib.graph

import data.gavel.cross_layer.production_model_unvalidated_training_data as policy

now := "2026-03-10T12:00:00+00:00"

features := {"id": "ol:features", "kind": "openlineage_dataset", "platform": "openlineage", "labels": {}, "identities": ["dataset:s3://lake/features"], "attributes": {}}

bucket := {"id": "tf:lake", "kind": "aws_s3_bucket", "platform": "terraform", "labels": {}, "attributes": {}}

model(stage) := {"id": "mlflow:model/churn/3", "kind": "mlflow_model_version", "platform": "mlflow", "identities": ["model-version:churn/3"], "labels": {}, "attributes": {"current_stage": stage, "aliases": []}}

result(id, success, run_time) := {"id": id, "kind": "gx_validation_result", "platform": "great_expectations", "labels": {}, "attributes": {"success": success, "run_time": run_time}}

estate(results) := graph.estate_document(
	object.union({"ol:features": features, "tf:lake": bucket, "mlflow:model/churn/3": model("Production")}, {r.id: r | some r in results}),
	array.concat(
		[
			{"from": "mlflow:model/churn/3", "to": "ol:features", "type": "trained_on"},
			{"from": "mlflow:model/churn/3", "to": "tf:lake", "type": "trained_on"},
			{"from": "ol:features", "to": "tf:lake", "type": "stored_in"},
		],
		[{"from": r.id, "to": "ol:features", "type": "validates"} | some r in results],
	),
)

judge(results) := found if {
	found := policy.deny with input as {"resource": model("Production"), "now": now} with data.gavel.estate as estate(results)
}

test_recent_passing_validation_allowed if {
	count(judge([result("gx:1", true, "2026-03-05T06:00:00+00:00")])) == 0
}

test_stale_validation_denied if {
	some d in judge([result("gx:1", true, "2026-02-20T06:00:00+00:00")])
	d.details.dataset == "ol:features"
	d.msg == "mlflow:model/churn/3 is in production but its training dataset ol:features has no passing data-quality validation in the last 7 days (latest passed at 2026-02-20T06:00:00+00:00); validate it and record the result"
}

test_recent_failed_validation_denied if {
	some d in judge([result("gx:1", true, "2026-02-20T06:00:00+00:00"), result("gx:2", false, "2026-03-09T06:00:00+00:00")])
	d.details.actual == "latest failed at 2026-03-09T06:00:00+00:00"
}

test_never_validated_denied_once_for_the_dataset_not_its_bucket if {
	[d.details | some d in judge([])] == [{"field": "validates", "actual": "never validated", "expected": "a passing validation within 7 days", "dataset": "ol:features"}]
}

test_openlineage_assertions_count_as_validation if {
	asserted := object.union(features, {"attributes": {"data_quality": {"success": true, "failed": 0}, "last_event_time": "2026-03-09T00:00:00+00:00"}})
	e := graph.estate_document(
		{"ol:features": asserted, "mlflow:model/churn/3": model("Production")},
		[{"from": "mlflow:model/churn/3", "to": "ol:features", "type": "trained_on"}],
	)
	count(policy.deny) == 0 with input as {"resource": model("Production"), "now": now} with data.gavel.estate as e
}

test_staging_model_not_judged if {
	count(policy.deny) == 0 with input as {"resource": model("Staging"), "now": now} with data.gavel.estate as estate([])
}

test_age_limit_is_a_parameter if {
	count(policy.deny) == 0 with input as {"resource": model("Production"), "now": now}
		with data.gavel.estate as estate([result("gx:1", true, "2026-02-20T06:00:00+00:00")])
		with data.gavel.data.data_governance.max_validation_age_days as 30
}

test_age_is_measured_at_the_registry_export if {
	exported := object.union(model("Production"), {"attributes": {"registry": {"exported_at": "2026-02-22T00:00:00+00:00"}}})
	e := estate([result("gx:1", true, "2026-02-20T06:00:00+00:00")])
	count(policy.deny) == 0 with input as {"resource": exported, "now": now} with data.gavel.estate as e
}
