package gavel.lib.lifecycle_test

import rego.v1

import data.gavel.lib.graph
import data.gavel.lib.lifecycle

store(kind, attributes) := {"id": "b", "kind": kind, "attributes": attributes}

test_s3_inline_rules if {
	bucket := store("aws_s3_bucket", {"lifecycle_rule": [
		{"enabled": true, "expiration": [{"days": 30}]},
		{"enabled": true, "expiration": [{"date": "2030-01-01"}]},
		{"enabled": false, "expiration": [{"days": 1}]},
		{"enabled": true, "expiration": [], "transition": [{"days": 10}]},
	]})
	lifecycle.expiries(bucket) == [30, "date"]
}

test_s3_separate_configuration if {
	bucket := store("aws_s3_bucket", {})
	config := {"id": "c", "kind": "aws_s3_bucket_lifecycle_configuration", "attributes": {"rule": [
		{"status": "Enabled", "expiration": [{"days": 90}]},
		{"status": "Disabled", "expiration": [{"days": 7}]},
	]}}
	estate := graph.estate_document({"b": bucket, "c": config}, [{"from": "c", "to": "b", "type": "configures"}])
	lifecycle.expiries(bucket) == [90] with data.gavel.estate as estate
	not lifecycle.expires(bucket)
	lifecycle.expires(bucket) with data.gavel.estate as estate
}

test_gcs_delete_rules if {
	bucket := store("google_storage_bucket", {"lifecycle_rule": [
		{"action": [{"type": "Delete"}], "condition": [{"age": 365}]},
		{"action": [{"type": "Delete"}], "condition": [{"num_newer_versions": 3}]},
		{"action": [{"type": "SetStorageClass"}], "condition": [{"age": 30}]},
	]})
	lifecycle.expiries(bucket) == [365, "condition"]
}

test_bigquery_expiration_in_days if {
	lifecycle.expiries(store("google_bigquery_dataset", {"default_table_expiration_ms": 172800000, "default_partition_expiration_ms": null})) == [2]
	not lifecycle.expires(store("google_bigquery_dataset", {"default_table_expiration_ms": 0}))
}

test_other_kinds_never_expire if {
	not lifecycle.expires(store("azurerm_storage_account", {}))
}

test_every_kind_of_store_read_has_a_remedy if {
	object.keys(lifecycle.remedy) == {"aws_s3_bucket", "google_storage_bucket", "google_bigquery_dataset"}
}
