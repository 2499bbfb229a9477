package gavel.audit_logging.storage_access_logging_test

import rego.v1

import data.gavel.lib.graph

import data.gavel.audit_logging.storage_access_logging as policy

bucket(kind, attributes, class) := {"id": sprintf("terraform:%s.customers", [kind]), "kind": kind, "name": "customers", "classification": class, "attributes": attributes}

test_personal_s3_bucket_without_logging_denied if {
	[d.msg | some d in policy.deny] == ["aws_s3_bucket.customers: logging.target_bucket is not set; set logging.target_bucket to the name of a log bucket"] with input as {"resource": bucket("aws_s3_bucket", {"bucket": "customers", "logging": []}, "personal")}
}

test_inline_logging_allowed if {
	count(policy.deny) == 0 with input as {"resource": bucket("aws_s3_bucket", {"bucket": "customers", "logging": [{"target_bucket": "logs", "target_prefix": "log/"}]}, "personal")}
}

test_separate_logging_resource_allowed if {
	r := bucket("aws_s3_bucket", {"bucket": "customers"}, "confidential")
	logging := {"id": "log", "kind": "aws_s3_bucket_logging", "attributes": {"bucket": "customers", "target_bucket": "logs"}}
	estate := graph.estate_document({r.id: r, "log": logging}, [{"from": "log", "to": r.id, "type": "configures"}])
	count(policy.deny) == 0 with input as {"resource": r} with data.gavel.estate as estate
}

test_logging_resource_of_another_bucket_does_not_count if {
	r := bucket("aws_s3_bucket", {"bucket": "customers"}, "personal")
	logging := {"id": "log", "kind": "aws_s3_bucket_logging", "attributes": {"bucket": "other", "target_bucket": "logs"}}
	estate := graph.estate_document({r.id: r, "log": logging}, [{"from": "log", "to": "terraform:aws_s3_bucket.other", "type": "configures"}])
	count(policy.deny) == 1 with input as {"resource": r} with data.gavel.estate as estate
}

test_gcs_bucket_needs_log_bucket if {
	some d in policy.deny with input as {"resource": bucket("google_storage_bucket", {"name": "customers"}, "special-category")}
	d.details.field == "logging.log_bucket"
	count(policy.deny) == 0 with input as {"resource": bucket("google_storage_bucket", {"logging": [{"log_bucket": "logs"}]}, "personal")}
}

test_public_and_internal_buckets_not_judged if {
	count(policy.deny) == 0 with input as {"resource": bucket("aws_s3_bucket", {"bucket": "site"}, "public")}
	count(policy.deny) == 0 with input as {"resource": bucket("aws_s3_bucket", {"bucket": "site"}, null)}
}

test_classifications_are_a_parameter if {
	count(policy.deny) == 1 with input as {"resource": bucket("aws_s3_bucket", {"bucket": "site"}, "internal")}
		with data.gavel.data.audit_logging.access_logged_classifications as ["internal"]
}

test_log_target_known_after_apply_warns if {
	r := object.union(bucket("aws_s3_bucket", {"bucket": "customers", "logging": [{"target_prefix": "log/"}]}, "personal"), {"unknown": [["logging", 0, "target_bucket"]]})
	count(policy.deny) == 0 with input as {"resource": r}
	[w.details.field | some w in policy.warn] == ["logging.target_bucket"] with input as {"resource": r}
}

test_separate_logging_resource_with_unknown_target_warns if {
	r := bucket("aws_s3_bucket", {"bucket": "customers"}, "personal")
	logging := {"id": "log", "kind": "aws_s3_bucket_logging", "attributes": {"bucket": "customers"}, "unknown": [["target_bucket"]]}
	estate := graph.estate_document({r.id: r, "log": logging}, [{"from": "log", "to": r.id, "type": "configures"}])
	count(policy.deny) == 0 with input as {"resource": r} with data.gavel.estate as estate
	count(policy.warn) == 1 with input as {"resource": r} with data.gavel.estate as estate
}
