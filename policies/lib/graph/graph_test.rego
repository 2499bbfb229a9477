package gavel.lib.graph_test

import rego.v1

import data.gavel.lib.graph

# A small estate across layers: an OpenLineage job reads personal data and writes features, a
# Kubernetes Job runs it on a GKE node pool in Iowa, a model is trained on the features and on a
# special-category dataset and served by an endpoint.
resources := {
	"ol:customers": {"id": "ol:customers", "kind": "openlineage_dataset", "platform": "openlineage", "labels": {}, "classification": "personal", "identities": ["dataset:s3://lake/customers"], "attributes": {}},
	"ol:diagnoses": {"id": "ol:diagnoses", "kind": "openlineage_dataset", "platform": "openlineage", "labels": {}, "classification": "special-category", "identities": ["dataset:s3://clinic/diagnoses"], "attributes": {}},
	"ol:features": {"id": "ol:features", "kind": "openlineage_dataset", "platform": "openlineage", "labels": {}, "classification": "internal", "identities": ["dataset:s3://lake/features"], "attributes": {}},
	"ol:build-features": {"id": "ol:build-features", "kind": "openlineage_job", "platform": "openlineage", "labels": {}, "classification": "personal", "attributes": {}},
	"k8s:job": {
		"id": "k8s:job", "kind": "Job", "name": "build-features", "namespace": "ml", "platform": "kubernetes", "labels": {}, "classification": "personal",
		"attributes": {"kind": "Job", "spec": {"template": {"spec": {"nodeSelector": {"cloud.google.com/gke-nodepool": "gpu-pool"}}}}},
	},
	"tf:pool": {"id": "tf:pool", "kind": "google_container_node_pool", "platform": "terraform", "labels": {}, "attributes": {"location": "us-central1"}, "region": null},
	"tf:bucket": {"id": "tf:bucket", "kind": "aws_s3_bucket", "platform": "terraform", "labels": {}, "classification": null, "attributes": {"bucket": "lake"}},
	"tf:sse": {"id": "tf:sse", "kind": "aws_s3_bucket_server_side_encryption_configuration", "platform": "terraform", "labels": {}, "attributes": {}},
	"tf:key": {"id": "tf:key", "kind": "aws_kms_key", "platform": "terraform", "labels": {}, "attributes": {}},
	"mlflow:model/churn/3": {"id": "mlflow:model/churn/3", "kind": "mlflow_model_version", "platform": "mlflow", "classification": "special-category", "identities": ["model-version:churn/3"], "labels": {"environment": "Production"}, "attributes": {"aliases": []}},
	"mlflow:model/churn": {"id": "mlflow:model/churn", "kind": "mlflow_registered_model", "platform": "mlflow", "identities": ["model:churn"], "labels": {}, "attributes": {}},
	"tf:endpoint": {"id": "tf:endpoint", "kind": "aws_sagemaker_endpoint_configuration", "platform": "terraform", "labels": {}, "attributes": {}},
}

edges := [
	{"from": "ol:customers", "to": "tf:bucket", "type": "stored_in"},
	{"from": "ol:features", "to": "tf:bucket", "type": "stored_in"},
	{"from": "ol:build-features", "to": "ol:customers", "type": "reads"},
	{"from": "ol:build-features", "to": "ol:features", "type": "writes"},
	{"from": "k8s:job", "to": "ol:build-features", "type": "runs"},
	{"from": "k8s:job", "to": "ol:customers", "type": "reads", "via": "ol:build-features"},
	{"from": "k8s:job", "to": "ol:features", "type": "writes", "via": "ol:build-features"},
	{"from": "k8s:job", "to": "tf:pool", "type": "runs_on"},
	{"from": "tf:sse", "to": "tf:bucket", "type": "configures"},
	{"from": "tf:sse", "to": "tf:key", "type": "encrypted_by"},
	{"from": "mlflow:model/churn/3", "to": "ol:features", "type": "trained_on"},
	{"from": "mlflow:model/churn/3", "to": "ol:diagnoses", "type": "trained_on"},
	{"from": "mlflow:model/churn/3", "to": "tf:bucket", "type": "trained_on"},
	{"from": "mlflow:model/churn/3", "to": "tf:endpoint", "type": "deployed_as"},
]

estate := object.union(graph.estate_document(resources, edges), {"unresolved": {
	"tf:bucket": [{"type": "encrypted_by", "target": "kms:alias/aws/s3"}],
	"k8s:job": [{"type": "runs_on", "target": "instance-type:g2-standard-8"}],
}})

test_targets_and_sources_follow_the_indexes if {
	graph.targets("k8s:job", "reads") == ["ol:customers"] with data.gavel.estate as estate
	graph.sources("ol:customers", "reads") == ["ol:build-features", "k8s:job"] with data.gavel.estate as estate
	graph.targets("k8s:job", "mounts") == [] with data.gavel.estate as estate
	graph.neighbours("tf:bucket", "stored_in") == {"ol:customers", "ol:features"} with data.gavel.estate as estate
}

test_unresolved_links_by_type if {
	graph.unresolved("k8s:job", "runs_on") == ["instance-type:g2-standard-8"] with data.gavel.estate as estate
	graph.unresolved("k8s:job", "reads") == [] with data.gavel.estate as estate
}

test_upstream_datasets_are_transitive if {
	graph.upstream_datasets("mlflow:model/churn/3") == {"ol:features", "ol:diagnoses", "tf:bucket", "ol:customers"} with data.gavel.estate as estate
	graph.upstream_datasets("k8s:job") == {"ol:customers"} with data.gavel.estate as estate
	graph.upstream_datasets("tf:pool") == set() with data.gavel.estate as estate
}

test_upstream_through_several_jobs if {
	more := array.concat(edges, [
		{"from": "ol:score", "to": "ol:features", "type": "reads"},
		{"from": "ol:score", "to": "ol:scores", "type": "writes"},
		{"from": "report", "to": "ol:scores", "type": "reads"},
	])
	graph.upstream_datasets("report") == {"ol:scores", "ol:features", "ol:customers"} with data.gavel.estate as graph.estate_document(resources, more)
}

test_training_datasets_leave_out_the_storage_of_a_training_dataset if {
	graph.training_datasets("mlflow:model/churn/3") == ["ol:features", "ol:diagnoses"] with data.gavel.estate as estate
}

test_classified_at_least if {
	found := graph.classified_at_least(["ol:customers", "ol:features", "ol:diagnoses", "missing"], "personal") with data.gavel.estate as estate
	found == [{"id": "ol:customers", "classification": "personal"}, {"id": "ol:diagnoses", "classification": "special-category"}]
}

test_models_and_registry_containers if {
	graph.is_model(resources["mlflow:model/churn/3"])
	not graph.is_model(resources["mlflow:model/churn"])
	not graph.is_model(resources["ol:features"])
	graph.is_model({"kind": "aws_sagemaker_model", "identities": ["model:churn"]})
}

test_production_by_label_stage_or_alias if {
	graph.is_production(resources["mlflow:model/churn/3"])
	graph.is_production({"labels": {}, "attributes": {"current_stage": "Production"}})
	graph.is_production({"labels": {}, "attributes": {"aliases": ["champion"]}})
	not graph.is_production({"labels": {"environment": "staging"}, "attributes": {"current_stage": "Staging", "aliases": ["candidate"]}})
}

test_deployed_when_served_or_in_production if {
	model := resources["mlflow:model/churn/3"]
	graph.is_deployed(model) with data.gavel.estate as estate
	graph.is_deployed({"id": "x", "labels": {}, "attributes": {"current_stage": "Production"}}) with data.gavel.estate as estate
	not graph.is_deployed({"id": "x", "labels": {}, "attributes": {}}) with data.gavel.estate as estate
}

test_compute_runs_where_the_node_pool_is if {
	job := resources["k8s:job"]
	graph.compute_placements(job) == {{"location": "us-central1", "via": "tf:pool"}} with data.gavel.estate as estate
	[p.jurisdiction.country | some p in graph.compute_jurisdictions(job)] == ["US"] with data.gavel.estate as estate
	count(graph.placements_outside_eea(job)) == 1 with data.gavel.estate as estate
}

test_compute_pinned_by_selector_and_own_location if {
	pod := {"id": "p", "kind": "Pod", "attributes": {"kind": "Pod", "spec": {"nodeSelector": {"topology.kubernetes.io/zone": "europe-west4-a"}}}}
	graph.compute_placements(pod) == {{"location": "europe-west4-a", "via": "node selector"}} with data.gavel.estate as estate
	count(graph.placements_outside_eea(pod)) == 0 with data.gavel.estate as estate
	task := {"id": "t", "kind": "argo_template", "attributes": {"node_selector": {"topology.kubernetes.io/region": "us-east1"}}}
	graph.compute_placements(task) == {{"location": "us-east1", "via": "node selector"}} with data.gavel.estate as estate
	training := {"id": "s", "kind": "sagemaker_training_job", "attributes": {}, "region": "eu-west-1"}
	graph.compute_placements(training) == {{"location": "eu-west-1", "via": "its own location"}} with data.gavel.estate as estate
}

test_encryption_keys_include_settings_resources_and_uncollected_keys if {
	graph.encryption_keys("tf:bucket") == {{"key": "tf:key", "resource": "tf:key"}, {"key": "kms:alias/aws/s3", "resource": null}} with data.gavel.estate as estate
}

test_customer_managed_keys if {
	graph.customer_managed({"key": "tf:key", "resource": "tf:key"}) with data.gavel.estate as estate
	graph.customer_managed({"key": "kms:arn:aws:kms:eu-west-1:111122223333:key/1234abcd", "resource": null})
	not graph.customer_managed({"key": "kms:alias/aws/s3", "resource": null})
	not graph.customer_managed({"key": "kms:arn:aws:kms:eu-west-1:111122223333:alias/aws/s3", "resource": null})
	aws_managed := object.union(estate, {"resources": {"k": {"attributes": {"KeyManager": "AWS"}}}})
	not graph.customer_managed({"key": "k", "resource": "k"}) with data.gavel.estate as aws_managed
	config_item := object.union(estate, {"resources": {"k": {"attributes": {"configuration": {"keyManager": "AWS"}}}}})
	not graph.customer_managed({"key": "k", "resource": "k"}) with data.gavel.estate as config_item
	customer_item := object.union(estate, {"resources": {"k": {"attributes": {"configuration": {"keyManager": "CUSTOMER"}}}}})
	graph.customer_managed({"key": "k", "resource": "k"}) with data.gavel.estate as customer_item
}

test_personal_writes_into_storage if {
	writes := graph.personal_writes("tf:bucket") with data.gavel.estate as estate
	writes == {{"dataset": "ol:features", "writer": "ol:build-features"}, {"dataset": "ol:features", "writer": "k8s:job"}}
	graph.personal_writes("tf:pool") == set() with data.gavel.estate as estate
}

test_display_names if {
	graph.display({"id": "k", "kind": "Job", "namespace": "ml", "name": "train", "platform": "kubernetes"}) == "Job/ml/train"
	graph.display({"id": "terraform:aws_s3_bucket.lake", "platform": "terraform"}) == "terraform:aws_s3_bucket.lake"
}

test_storage_answers_to_a_storage_key_or_holds_datasets if {
	bucket := resources["tf:bucket"]
	graph.is_storage(bucket) with data.gavel.estate as estate
	graph.is_storage({"id": "b", "identities": ["storage:s3://lake"]}) with data.gavel.estate as estate
	features := resources["ol:features"]
	not graph.is_storage(features) with data.gavel.estate as estate
}
