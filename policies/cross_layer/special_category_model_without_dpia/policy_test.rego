package gavel.cross_layer.special_category_model_without_dpia_test

import rego.v1

import data.gavel.lib.graph

import data.gavel.cross_layer.special_category_model_without_dpia as policy

dataset(classification) := {"id": "ol:diagnoses", "kind": "openlineage_dataset", "platform": "openlineage", "labels": {}, "classification": classification, "attributes": {}}

model(labels) := {"id": "tf:model", "kind": "aws_sagemaker_model", "platform": "terraform", "identities": ["model:diagnosis"], "labels": labels, "attributes": {}}

endpoint(labels) := {"id": "tf:endpoint", "kind": "aws_sagemaker_endpoint_configuration", "platform": "terraform", "labels": labels, "attributes": {}}

estate(classification, model_labels, endpoint_labels) := graph.estate_document(
	{"ol:diagnoses": dataset(classification), "tf:model": model(model_labels), "tf:endpoint": endpoint(endpoint_labels)},
	[
		{"from": "tf:model", "to": "ol:diagnoses", "type": "trained_on", "via": "ol:train"},
		{"from": "tf:model", "to": "tf:endpoint", "type": "deployed_as"},
	],
)

test_served_special_category_model_without_dpia_denied if {
	some d in policy.deny with input as {"resource": model({})} with data.gavel.estate as estate("special-category", {}, {})
	d.msg == "tf:model is trained on special-category data (ol:diagnoses) and is served by tf:endpoint without a DPIA reference; set the tag dpia to the assessment's reference"
	d.details.datasets == ["ol:diagnoses"]
}

test_dpia_tag_on_the_model_allowed if {
	count(policy.deny) == 0 with input as {"resource": model({"dpia": "DPIA-2025-014"})} with data.gavel.estate as estate("special-category", {}, {})
}

test_dpia_label_on_the_endpoint_allowed if {
	count(policy.deny) == 0 with input as {"resource": model({})} with data.gavel.estate as estate("special-category", {}, {"dpia-reference": "DPIA-2025-014"})
}

test_blank_dpia_tag_denied if {
	count(policy.deny) == 1 with input as {"resource": model({"dpia": " "})} with data.gavel.estate as estate("special-category", {}, {})
}

test_personal_but_not_special_category_allowed if {
	count(policy.deny) == 0 with input as {"resource": model({})} with data.gavel.estate as estate("personal", {}, {})
}

test_undeployed_model_allowed if {
	e := graph.estate_document({"ol:diagnoses": dataset("special-category"), "tf:model": model({})}, [{"from": "tf:model", "to": "ol:diagnoses", "type": "trained_on"}])
	count(policy.deny) == 0 with input as {"resource": model({})} with data.gavel.estate as e
}

test_production_model_version_denied if {
	version := {"id": "mlflow:model/diagnosis/4", "kind": "mlflow_model_version", "platform": "mlflow", "identities": ["model-version:diagnosis/4"], "labels": {}, "attributes": {"current_stage": "Production"}}
	e := graph.estate_document({"ol:diagnoses": dataset("special-category"), version.id: version}, [{"from": version.id, "to": "ol:diagnoses", "type": "trained_on"}])
	some d in policy.deny with input as {"resource": version} with data.gavel.estate as e
	contains(d.msg, "and is in production without a DPIA reference")
}

test_datasets_themselves_are_not_judged if {
	e := estate("special-category", {}, {})
	count(policy.deny) == 0 with input as {"resource": dataset("special-category")} with data.gavel.estate as e
}
