package gavel.data_residency.personal_data_ml_service_location_test

import rego.v1

import data.gavel.data_residency.personal_data_ml_service_location as policy

notebook(region, classification) := {
	"id": "terraform:aws_sagemaker_notebook_instance.research", "kind": "aws_sagemaker_notebook_instance", "name": "research",
	"attributes": {"instance_type": "ml.g5.xlarge", "name": "research"}, "region": region, "classification": classification,
}

test_sagemaker_notebook_us_denied if {
	some d in policy.deny with input as {"resource": notebook("us-west-2", "personal")}
	d.details.field == "the provider region"
	startswith(d.msg, "aws_sagemaker_notebook_instance.research: personal data outside the EEA")
}

test_sagemaker_notebook_eu_allowed if {
	count(policy.deny) == 0 with input as {"resource": notebook("eu-west-1", "personal")}
}

test_vertex_endpoint_zone_location if {
	endpoint := {"id": "terraform:google_vertex_ai_endpoint.e", "kind": "google_vertex_ai_endpoint", "name": "e", "attributes": {"location": "asia-northeast1"}, "classification": "special-category"}
	count(policy.deny) == 0 with input as {"resource": endpoint}
	some d in policy.deny with input as {"resource": object.union(endpoint, {"attributes": {"location": "asia-southeast1"}})}
	d.details.field == "location"
}

test_vertex_dataset_field_is_region if {
	ds := {"id": "terraform:google_vertex_ai_dataset.d", "kind": "google_vertex_ai_dataset", "name": "d", "attributes": {"region": "us-central1"}, "classification": "personal"}
	some d in policy.deny with input as {"resource": ds}
	d.details.field == "region"
}

test_non_personal_ignored if {
	count(policy.deny) == 0 with input as {"resource": notebook("us-west-2", "confidential")}
}

test_sagemaker_inventory_resources if {
	job := {"id": "aws:arn:aws:sagemaker:us-east-1:1:training-job/churn", "kind": "AWS::SageMaker::TrainingJob", "name": "churn", "region": "us-east-1", "classification": "personal", "attributes": {"awsRegion": "us-east-1", "configuration": {}}}
	[d.details.field | some d in policy.deny] == ["awsRegion (the region it was created in)"] with input as {"resource": job}
	count(policy.deny) == 0 with input as {"resource": object.union(job, {"region": "eu-central-1"})}
}
