package gavel.cross_layer.personal_data_sink_without_cmk_test

import rego.v1

import data.gavel.lib.graph

import data.gavel.cross_layer.personal_data_sink_without_cmk as policy

bucket(classification) := {"id": "tf:features", "kind": "aws_s3_bucket", "platform": "terraform", "labels": {}, "identities": ["storage:s3://features"], "classification": classification, "attributes": {"bucket": "features"}}

dataset(classification) := {"id": "ol:features", "kind": "openlineage_dataset", "platform": "openlineage", "labels": {}, "classification": classification, "attributes": {}}

job(classification) := {"id": "ol:build", "kind": "openlineage_job", "platform": "openlineage", "labels": {}, "classification": classification, "attributes": {}}

lineage := [
	{"from": "ol:features", "to": "tf:features", "type": "stored_in"},
	{"from": "ol:build", "to": "ol:features", "type": "writes"},
]

estate(dataset_class, job_class, extra_resources, extra_edges) := graph.estate_document(
	object.union({"tf:features": bucket(null), "ol:features": dataset(dataset_class), "ol:build": job(job_class)}, extra_resources),
	array.concat(lineage, extra_edges),
)

key := {"id": "tf:key", "kind": "aws_kms_key", "platform": "terraform", "labels": {}, "attributes": {}}

sse := {"id": "tf:sse", "kind": "aws_s3_bucket_server_side_encryption_configuration", "platform": "terraform", "labels": {}, "attributes": {}}

test_personal_dataset_in_an_unencrypted_bucket_denied if {
	some d in policy.deny with input as {"resource": bucket(null)} with data.gavel.estate as estate("personal", "internal", {}, [])
	d.msg == "tf:features receives personal data from ol:build (ol:features) but is not encrypted with a customer-managed key (no key); encrypt it with a customer-managed KMS key"
	d.details.writers == ["ol:build"]
}

test_job_reading_personal_data_makes_its_output_personal if {
	count(policy.deny) == 1 with input as {"resource": bucket(null)} with data.gavel.estate as estate("internal", "personal", {}, [])
}

test_key_set_by_a_settings_resource_allowed if {
	e := estate("personal", "personal", {"tf:key": key, "tf:sse": sse}, [
		{"from": "tf:sse", "to": "tf:features", "type": "configures"},
		{"from": "tf:sse", "to": "tf:key", "type": "encrypted_by"},
	])
	count(policy.deny) == 0 with input as {"resource": bucket(null)} with data.gavel.estate as e
}

test_uncollected_customer_key_allowed if {
	e := object.union(estate("personal", "internal", {}, []), {"unresolved": {"tf:features": [{"type": "encrypted_by", "target": "kms:arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}})
	count(policy.deny) == 0 with input as {"resource": bucket(null)} with data.gavel.estate as e
}

test_provider_managed_key_denied if {
	e := object.union(estate("personal", "internal", {}, []), {"unresolved": {"tf:features": [{"type": "encrypted_by", "target": "kms:alias/aws/s3"}]}})
	some d in policy.deny with input as {"resource": bucket(null)} with data.gavel.estate as e
	d.details.actual == ["kms:alias/aws/s3"]
}

test_direct_write_by_a_personal_task_denied if {
	task := {"id": "argo:export", "kind": "argo_template", "platform": "argo", "labels": {}, "classification": "personal", "attributes": {}}
	e := graph.estate_document({"tf:features": bucket(null), "argo:export": task}, [{"from": "argo:export", "to": "tf:features", "type": "writes"}])
	some d in policy.deny with input as {"resource": bucket(null)} with data.gavel.estate as e
	d.details.datasets == []
}

test_internal_data_allowed if {
	count(policy.deny) == 0 with input as {"resource": bucket(null)} with data.gavel.estate as estate("internal", "internal", {}, [])
}

test_bucket_classified_personal_is_left_to_encryption_at_rest if {
	count(policy.deny) == 0 with input as {"resource": bucket("personal")} with data.gavel.estate as estate("personal", "personal", {}, [])
}

test_the_dataset_written_is_not_judged_as_a_store if {
	e := graph.estate_document({"ol:features": {"id": "ol:features", "labels": {}, "classification": "personal", "attributes": {}}}, [{"from": "ol:build", "to": "ol:features", "type": "writes"}])
	count(policy.deny) == 0 with input as {"resource": {"id": "ol:features", "kind": "aws_s3_bucket", "labels": {}, "classification": null, "attributes": {}}} with data.gavel.estate as e
}
