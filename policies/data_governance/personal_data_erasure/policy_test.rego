package gavel.data_governance.personal_data_erasure_test

import rego.v1

import data.gavel.data_governance.personal_data_erasure as policy

dataset(labels) := {"id": "openlineage:dataset:s3://lake/users", "kind": "openlineage_dataset", "labels": labels, "attributes": {"namespace": "s3://lake", "name": "users"}}

estate(labels, outputs) := {
	"resources": {"openlineage:job:gov/erase": {"kind": "openlineage_job", "labels": labels, "attributes": {"outputs": outputs}}},
	"by_kind": {"openlineage_job": ["openlineage:job:gov/erase"]},
}

test_no_erasure_job_denied if {
	some d in policy.deny with input as {"resource": dataset({"data-classification": "personal"})}
	d.msg == "openlineage:dataset:s3://lake/users: personal data has no registered erasure job; tag it erasure-job=<namespace>/<job> or run a job tagged purpose=erasure that writes it"
}

test_erasure_job_writing_the_dataset_allowed if {
	count(policy.deny) == 0 with input as {"resource": dataset({"data-classification": "personal"})}
		with data.gavel.estate as estate({"purpose": "Erasure"}, ["dataset:s3://lake/users"])
}

test_job_must_be_tagged_and_write_this_dataset if {
	count(policy.deny) == 1 with input as {"resource": dataset({"data-classification": "personal"})}
		with data.gavel.estate as estate({"purpose": "analytics"}, ["dataset:s3://lake/users"])
	count(policy.deny) == 1 with input as {"resource": dataset({"data-classification": "personal"})}
		with data.gavel.estate as estate({"purpose": "erasure"}, ["dataset:s3://lake/other"])
}

test_dataset_tag_allowed if {
	count(policy.deny) == 0 with input as {"resource": dataset({"data-classification": "personal", "erasure-job": "gov/erase"})}
}

test_non_personal_not_judged if {
	count(policy.deny) == 0 with input as {"resource": dataset({"data-classification": "internal"})}
}
