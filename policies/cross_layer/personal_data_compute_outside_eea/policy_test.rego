package gavel.cross_layer.personal_data_compute_outside_eea_test

import rego.v1

import data.gavel.lib.graph

import data.gavel.cross_layer.personal_data_compute_outside_eea as policy

dataset(id, classification) := {"id": id, "kind": "openlineage_dataset", "platform": "openlineage", "labels": {}, "classification": classification, "attributes": {}}

pool(location) := {"id": "tf:pool", "kind": "google_container_node_pool", "platform": "terraform", "labels": {}, "attributes": {"location": location}}

job := {
	"id": "k8s:job", "kind": "Job", "name": "build-features", "namespace": "ml", "platform": "kubernetes", "labels": {}, "classification": "personal",
	"attributes": {"kind": "Job", "spec": {"template": {"spec": {"nodeSelector": {"cloud.google.com/gke-nodepool": "gpu-pool"}}}}},
}

estate(classification, location) := graph.estate_document(
	{"ol:customers": dataset("ol:customers", classification), "tf:pool": pool(location), "k8s:job": job},
	[
		{"from": "k8s:job", "to": "ol:customers", "type": "reads", "via": "ol:build-features"},
		{"from": "k8s:job", "to": "tf:pool", "type": "runs_on"},
	],
)

test_personal_data_on_a_us_node_pool_denied if {
	some d in policy.deny with input as {"resource": job} with data.gavel.estate as estate("personal", "us-central1")
	d.details.actual == "us-central1"
	d.details.via == "tf:pool"
	d.details.datasets == ["ol:customers"]
	startswith(d.msg, "Job/ml/build-features reads personal data from ol:customers (personal) and runs in us-central1 (tf:pool)")
}

test_special_category_on_an_unknown_region_denied if {
	some d in policy.deny with input as {"resource": job} with data.gavel.estate as estate("special-category", "on-prem-1")
	contains(d.msg, "not in the regions table")
}

test_personal_data_on_an_eea_node_pool_allowed if {
	count(policy.deny) == 0 with input as {"resource": job} with data.gavel.estate as estate("personal", "europe-west4")
}

test_internal_data_anywhere_allowed if {
	count(policy.deny) == 0 with input as {"resource": job} with data.gavel.estate as estate("internal", "us-central1")
}

test_kubernetes_node_selector_is_left_to_the_workload_location_policy if {
	pinned := json.patch(job, [{"op": "add", "path": "/attributes/spec/template/spec/nodeSelector/topology.kubernetes.io~1region", "value": "us-east1"}])
	e := graph.estate_document({"ol:customers": dataset("ol:customers", "personal"), "k8s:job": pinned}, [{"from": "k8s:job", "to": "ol:customers", "type": "reads"}])
	count(policy.deny) == 0 with input as {"resource": pinned} with data.gavel.estate as e
}

test_pipeline_task_pinned_outside_the_eea_denied if {
	task := {"id": "argo:t", "kind": "argo_template", "platform": "argo", "labels": {}, "attributes": {"node_selector": {"topology.kubernetes.io/region": "us-east1"}}}
	e := graph.estate_document({"ol:customers": dataset("ol:customers", "personal"), "argo:t": task}, [{"from": "argo:t", "to": "ol:customers", "type": "reads"}])
	some d in policy.deny with input as {"resource": task} with data.gavel.estate as e
	d.details.via == "node selector"
}

test_training_job_in_its_own_us_region_denied if {
	training := {"id": "sm:train", "kind": "sagemaker_training_job", "platform": "aws", "labels": {}, "attributes": {}, "region": "us-east-1"}
	e := graph.estate_document({"ol:customers": dataset("ol:customers", "personal"), "sm:train": training}, [{"from": "sm:train", "to": "ol:customers", "type": "reads"}])
	some d in policy.deny with input as {"resource": training} with data.gavel.estate as e
	d.details.via == "its own location"
}

test_job_that_reads_nothing_is_not_judged if {
	e := graph.estate_document({"tf:pool": pool("us-central1"), "k8s:job": job}, [{"from": "k8s:job", "to": "tf:pool", "type": "runs_on"}])
	count(policy.deny) == 0 with input as {"resource": job} with data.gavel.estate as e
}
