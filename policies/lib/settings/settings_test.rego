package gavel.lib.settings_test

import rego.v1

import data.gavel.lib.graph
import data.gavel.lib.settings

bucket := {"id": "b", "kind": "aws_s3_bucket"}

resources := {
	"b": bucket,
	"log": {"id": "log", "kind": "aws_s3_bucket_logging"},
	"pab": {"id": "pab", "kind": "aws_s3_bucket_public_access_block"},
	"other-log": {"id": "other-log", "kind": "aws_s3_bucket_logging"},
}

edges := [
	{"from": "log", "to": "b", "type": "configures"},
	{"from": "pab", "to": "b", "type": "configures"},
	{"from": "other-log", "to": "elsewhere", "type": "configures"},
]

test_settings_of_a_kind_through_configures_edges if {
	estate := graph.estate_document(resources, edges)
	[r.id | some r in settings.of_kind(bucket, "aws_s3_bucket_logging")] == ["log"] with data.gavel.estate as estate
	[r.id | some r in settings.of_kind(bucket, "aws_s3_bucket_public_access_block")] == ["pab"] with data.gavel.estate as estate
	settings.of_kind(bucket, "aws_s3_bucket_acl") == [] with data.gavel.estate as estate
}

test_no_graph_means_no_settings if {
	settings.of_kind(bucket, "aws_s3_bucket_logging") == []
}

