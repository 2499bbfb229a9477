package gavel.retention.gcs_records_retention_lock_test

import rego.v1

import data.gavel.retention.gcs_records_retention_lock as policy

bucket(policies) := {"id": "terraform:google_storage_bucket.trades", "kind": "google_storage_bucket", "name": "trades", "labels": {"records-class": "books-and-records"}, "attributes": {"name": "trades", "retention_policy": policies}}

test_locked_six_years_allowed if {
	count(policy.deny) == 0 with input as {"resource": bucket([{"is_locked": true, "retention_period": 189216000}])}
}

test_no_retention_policy_denied if {
	[d.details.field | some d in policy.deny] == ["retention_policy"] with input as {"resource": bucket([])}
}

test_unlocked_policy_denied if {
	[d.msg | some d in policy.deny] == ["google_storage_bucket.trades: retention_policy.is_locked is false; set retention_policy.is_locked to true"] with input as {"resource": bucket([{"is_locked": false, "retention_period": 189216000}])}
}

test_short_period_denied if {
	some d in policy.deny with input as {"resource": bucket([{"is_locked": true, "retention_period": 42}])}
	d.details.expected == "at least 189216000 (2190 days)"
}

test_unlabelled_bucket_not_judged if {
	count(policy.deny) == 0 with input as {"resource": object.union(object.remove(bucket([]), ["labels"]), {"labels": {}})}
}
