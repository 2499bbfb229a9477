package gavel.retention.s3_object_lock_records_test

import rego.v1

import data.gavel.lib.graph

import data.gavel.retention.s3_object_lock_records as policy

bucket(attributes) := {"id": "terraform:aws_s3_bucket.trades", "kind": "aws_s3_bucket", "name": "trades", "labels": {"records-class": "sec-17a-4"}, "attributes": object.union({"bucket": "trade-records"}, attributes)}

lock(mode, retention) := [{"object_lock_enabled": "Enabled", "rule": [{"default_retention": [object.union({"mode": mode}, retention)]}]}]

test_compliance_mode_six_years_allowed if {
	count(policy.deny) == 0 with input as {"resource": bucket({"object_lock_enabled": true, "object_lock_configuration": lock("COMPLIANCE", {"years": 6})})}
}

test_no_object_lock_denied if {
	[d.msg | some d in policy.deny] == ["aws_s3_bucket.trades: object_lock_enabled is false; set object_lock_enabled to true"] with input as {"resource": bucket({"object_lock_enabled": false, "object_lock_configuration": []})}
}

test_lock_without_default_retention_denied if {
	some d in policy.deny with input as {"resource": bucket({"object_lock_enabled": true})}
	d.details.field == "object_lock_configuration.rule.default_retention"
}

test_governance_mode_denied if {
	some d in policy.deny with input as {"resource": bucket({"object_lock_configuration": lock("GOVERNANCE", {"years": 7})})}
	d.details == {"field": "object_lock_configuration.rule.default_retention.mode", "actual": "GOVERNANCE", "expected": "COMPLIANCE"}
}

test_short_retention_denied if {
	some d in policy.deny with input as {"resource": bucket({"object_lock_configuration": lock("COMPLIANCE", {"days": 365})})}
	d.details.actual == 365
	d.details.expected == "at least 2190 (or years = 6)"
}

test_separate_lock_configuration if {
	r := bucket({"object_lock_enabled": true})
	config := {"id": "c", "kind": "aws_s3_bucket_object_lock_configuration", "attributes": {"bucket": "trade-records", "rule": [{"default_retention": [{"mode": "COMPLIANCE", "days": 2200}]}]}}
	estate := graph.estate_document({r.id: r, "c": config}, [{"from": "c", "to": r.id, "type": "configures"}])
	count(policy.deny) == 0 with input as {"resource": r} with data.gavel.estate as estate
}

test_buckets_without_records_label_not_judged if {
	count(policy.deny) == 0 with input as {"resource": object.union(object.remove(bucket({}), ["labels"]), {"labels": {"data-classification": "personal"}})}
}

config_records(lock) := {"id": "aws:arn:aws:s3:::trades", "kind": "AWS::S3::Bucket", "name": "trades", "labels": {"records-class": "sec-17a-4"}, "attributes": {"supplementaryConfiguration": {"ObjectLockConfiguration": lock}}}

test_config_item_compliance_lock if {
	compliance := {"objectLockEnabled": "Enabled", "rule": {"defaultRetention": {"mode": "COMPLIANCE", "days": 0, "years": 7}}}
	count(policy.deny) == 0 with input as {"resource": config_records(compliance)} with data.gavel.data.retention as {"records_label_keys": ["records-class"], "records_classes": ["sec-17a-4"]}
	governance := {"objectLockEnabled": "Enabled", "rule": {"defaultRetention": {"mode": "GOVERNANCE", "days": 0, "years": 1}}}
	count(policy.deny) == 2 with input as {"resource": config_records(governance)} with data.gavel.data.retention as {"records_label_keys": ["records-class"], "records_classes": ["sec-17a-4"]}
	count(policy.deny) == 1 with input as {"resource": object.union(config_records(null), {"attributes": {"supplementaryConfiguration": {}}})} with data.gavel.data.retention as {"records_label_keys": ["records-class"], "records_classes": ["sec-17a-4"]}
}

test_lock_switch_computed_at_apply_warns if {
	r := object.union(bucket({}), {"unknown": [["object_lock_enabled"]]})
	[w.details.field | some w in policy.warn] == ["object_lock_enabled"] with input as {"resource": r}
	fields := {d.details.field | some d in policy.deny} with input as {"resource": r}
	not "object_lock_enabled" in fields
}
