package gavel.cross_layer.production_model_lineage_gap_test

import rego.v1

import data.gavel.lib.graph

import data.gavel.cross_layer.production_model_lineage_gap as policy

model(labels) := {"id": "tf:model", "kind": "aws_sagemaker_model", "platform": "terraform", "identities": ["model:churn"], "labels": labels, "attributes": {}}

production := {"environment": "production"}

test_production_model_without_training_data_denied if {
	e := graph.estate_document({"tf:model": model(production)}, [])
	some d in policy.deny with input as {"resource": model(production)} with data.gavel.estate as e
	d.msg == "tf:model is in production but its training data cannot be traced: it names no training data; record its training datasets and collect them"
}

test_training_job_that_was_never_collected_denied if {
	e := object.union(graph.estate_document({"tf:model": model(production)}, []), {"unresolved": {"tf:model": [
		{"type": "trained_on", "target": "job:ml/train-churn"},
		{"type": "stored_in", "target": "storage:s3://models"},
	]}})
	some d in policy.deny with input as {"resource": model(production)} with data.gavel.estate as e
	d.details.actual == ["job:ml/train-churn"]
	contains(d.msg, "job:ml/train-churn named, none collected or with recorded inputs")
}

test_traced_training_data_allowed if {
	e := graph.estate_document(
		{"tf:model": model(production), "ol:features": {"id": "ol:features", "labels": {}, "attributes": {}}},
		[{"from": "tf:model", "to": "ol:features", "type": "trained_on", "via": "ol:train"}],
	)
	count(policy.deny) == 0 with input as {"resource": model(production)} with data.gavel.estate as e
}

test_model_not_in_production_allowed if {
	e := graph.estate_document({"tf:model": model({"environment": "staging"})}, [])
	count(policy.deny) == 0 with input as {"resource": model({"environment": "staging"})} with data.gavel.estate as e
}

test_registered_model_container_not_judged if {
	registered := {"id": "mlflow:model/churn", "kind": "mlflow_registered_model", "identities": ["model:churn"], "labels": production, "attributes": {}}
	e := graph.estate_document({registered.id: registered}, [])
	count(policy.deny) == 0 with input as {"resource": registered} with data.gavel.estate as e
}
