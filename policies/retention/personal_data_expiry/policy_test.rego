package gavel.retention.personal_data_expiry_test

import rego.v1

import data.gavel.lib.graph

import data.gavel.retention.personal_data_expiry as policy

store(kind, attributes) := {"id": sprintf("terraform:%s.customers", [kind]), "kind": kind, "name": "customers", "classification": "personal", "attributes": attributes}

s3_rule(enabled, expiration) := {"enabled": enabled, "expiration": expiration}

test_s3_without_lifecycle_denied if {
	[d.msg | some d in policy.deny] == ["aws_s3_bucket.customers: lifecycle_rule.expiration is not set; set lifecycle_rule.expiration to an enabled rule with expiration.days"] with input as {"resource": store("aws_s3_bucket", {"bucket": "customers", "lifecycle_rule": []})}
}

test_s3_inline_expiration_allowed if {
	count(policy.deny) == 0 with input as {"resource": store("aws_s3_bucket", {"bucket": "customers", "lifecycle_rule": [s3_rule(true, [{"days": 365}])]})}
}

test_s3_disabled_rule_does_not_count if {
	count(policy.deny) == 1 with input as {"resource": store("aws_s3_bucket", {"bucket": "customers", "lifecycle_rule": [s3_rule(false, [{"days": 365}])]})}
}

test_s3_transition_only_rule_does_not_count if {
	count(policy.deny) == 1 with input as {"resource": store("aws_s3_bucket", {"bucket": "customers", "lifecycle_rule": [{"enabled": true, "expiration": [], "transition": [{"days": 30}]}]})}
}

test_s3_separate_lifecycle_configuration if {
	r := store("aws_s3_bucket", {"bucket": "customers"})
	config := {"id": "c", "kind": "aws_s3_bucket_lifecycle_configuration", "attributes": {"bucket": "customers", "rule": [{"id": "expire", "status": "Enabled", "expiration": [{"days": 90}]}]}}
	estate := graph.estate_document({r.id: r, "c": config}, [{"from": "c", "to": r.id, "type": "configures"}])
	count(policy.deny) == 0 with input as {"resource": r} with data.gavel.estate as estate
}

test_gcs_delete_rule_allowed if {
	rule := {"action": [{"type": "Delete"}], "condition": [{"age": 30}]}
	count(policy.deny) == 0 with input as {"resource": store("google_storage_bucket", {"lifecycle_rule": [rule]})}
}

test_gcs_storage_class_rule_denied if {
	rule := {"action": [{"type": "SetStorageClass", "storage_class": "COLDLINE"}], "condition": [{"age": 30}]}
	some d in policy.deny with input as {"resource": store("google_storage_bucket", {"lifecycle_rule": [rule]})}
	d.details.field == "lifecycle_rule.action.type"
}

test_bigquery_table_expiration if {
	count(policy.deny) == 0 with input as {"resource": store("google_bigquery_dataset", {"default_table_expiration_ms": 3600000})}
	count(policy.deny) == 1 with input as {"resource": store("google_bigquery_dataset", {"default_table_expiration_ms": null})}
}

test_maximum_is_a_parameter if {
	resource := store("aws_s3_bucket", {"bucket": "customers", "lifecycle_rule": [s3_rule(true, [{"days": 3650}])]})
	count(policy.deny) == 0 with input as {"resource": resource}
	[d.msg | some d in policy.deny] == ["aws_s3_bucket.customers: lifecycle_rule.expiration is 3650; set lifecycle_rule.expiration to at most 365 days"] with input as {"resource": resource}
		with data.gavel.data.retention.max_personal_data_days as 365
}

test_non_personal_store_not_judged if {
	count(policy.deny) == 0 with input as {"resource": object.union(store("aws_s3_bucket", {"bucket": "site"}), {"classification": "internal"})}
}
