package gavel.data_governance.personal_data_erasure_test

import rego.v1

import data.gavel.data_governance.personal_data_erasure as policy
import data.gavel.lib.graph

dataset(labels) := {"id": "openlineage:dataset:s3://lake/users", "kind": "openlineage_dataset", "labels": labels, "attributes": {"namespace": "s3://lake", "name": "users"}}

# A job with `labels` writing the dataset resources named by `outputs` (a `writes` edge each),
# and a Kubernetes Job running it that inherits those edges.
estate(labels, outputs) := graph.estate_document(
	{
		"openlineage:job:gov/erase": {"kind": "openlineage_job", "labels": labels, "attributes": {"outputs": outputs}},
		"kubernetes:Job/gov/erase": {"kind": "Job", "labels": {"purpose": "erasure"}, "attributes": {}},
	},
	[edge |
		some output in outputs
		some writer in ["openlineage:job:gov/erase", "kubernetes:Job/gov/erase"]
		edge := {"from": writer, "to": dataset_ids[output], "type": "writes"}
	],
)

dataset_ids := {
	"dataset:s3://lake/users": "openlineage:dataset:s3://lake/users",
	"dataset:s3://lake/other": "openlineage:dataset:s3://lake/other",
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
