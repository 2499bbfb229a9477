package gavel.cross_layer.personal_data_sink_without_retention_test

import rego.v1

import data.gavel.lib.graph

import data.gavel.cross_layer.personal_data_sink_without_retention as policy

bucket(attributes) := {"id": "tf:features", "kind": "aws_s3_bucket", "platform": "terraform", "labels": {}, "classification": null, "attributes": object.union({"bucket": "features"}, attributes)}

gcs(attributes) := object.union(bucket(attributes), {"kind": "google_storage_bucket"})

dataset(classification) := {"id": "ol:features", "kind": "openlineage_dataset", "platform": "openlineage", "labels": {}, "classification": classification, "attributes": {}}

job := {"id": "ol:build", "kind": "openlineage_job", "platform": "openlineage", "labels": {}, "classification": "personal", "attributes": {}}

estate(store, classification, extra_resources, extra_edges) := graph.estate_document(
	object.union({"tf:features": store, "ol:features": dataset(classification), "ol:build": job}, extra_resources),
	array.concat(
		[{"from": "ol:features", "to": "tf:features", "type": "stored_in"}, {"from": "ol:build", "to": "ol:features", "type": "writes"}],
		extra_edges,
	),
)

judge(store, e) := found if {
	found := policy.deny with input as {"resource": store} with data.gavel.estate as e
}

lifecycle(status) := {"id": "tf:lifecycle", "kind": "aws_s3_bucket_lifecycle_configuration", "platform": "terraform", "labels": {}, "attributes": {"rule": [{"status": status, "expiration": [{"days": 365}]}]}}

test_bucket_without_lifecycle_denied if {
	some d in judge(bucket({}), estate(bucket({}), "personal", {}, []))
	d.msg == "tf:features receives personal data from ol:build (ol:features) but has no lifecycle rule that expires it; add an enabled lifecycle rule with an expiration"
}

test_inline_expiring_rule_allowed if {
	store := bucket({"lifecycle_rule": [{"enabled": true, "expiration": [{"days": 90}]}]})
	count(judge(store, estate(store, "personal", {}, []))) == 0
}

test_inline_disabled_rule_denied if {
	store := bucket({"lifecycle_rule": [{"enabled": false, "expiration": [{"days": 90}]}]})
	count(judge(store, estate(store, "personal", {}, []))) == 1
}

test_lifecycle_configuration_resource_allowed if {
	e := estate(bucket({}), "personal", {"tf:lifecycle": lifecycle("Enabled")}, [{"from": "tf:lifecycle", "to": "tf:features", "type": "configures"}])
	count(judge(bucket({}), e)) == 0
}

test_disabled_lifecycle_configuration_denied if {
	e := estate(bucket({}), "personal", {"tf:lifecycle": lifecycle("Disabled")}, [{"from": "tf:lifecycle", "to": "tf:features", "type": "configures"}])
	count(judge(bucket({}), e)) == 1
}

test_gcs_delete_rule_allowed_and_missing_denied if {
	store := gcs({"lifecycle_rule": [{"action": [{"type": "Delete"}], "condition": [{"age": 30}]}]})
	count(judge(store, estate(store, "personal", {}, []))) == 0
	bare := gcs({"lifecycle_rule": [{"action": [{"type": "SetStorageClass"}], "condition": [{"age": 30}]}]})
	some d in judge(bare, estate(bare, "personal", {}, []))
	d.details.expected == "a lifecycle rule with a Delete action"
}

test_internal_data_from_a_personal_job_still_denied if {
	count(judge(bucket({}), estate(bucket({}), "internal", {}, []))) == 1
}

test_bucket_nobody_writes_allowed if {
	e := graph.estate_document({"tf:features": bucket({})}, [])
	count(judge(bucket({}), e)) == 0
}

test_the_dataset_written_is_not_judged_as_a_store if {
	e := graph.estate_document({"ol:features": {"id": "ol:features", "labels": {}, "classification": "personal", "attributes": {}}}, [{"from": "ol:build", "to": "ol:features", "type": "writes"}])
	count(policy.deny) == 0 with input as {"resource": {"id": "ol:features", "kind": "aws_s3_bucket", "labels": {}, "classification": null, "attributes": {}}} with data.gavel.estate as e
}
