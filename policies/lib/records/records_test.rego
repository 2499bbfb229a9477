package gavel.lib.records_test

import rego.v1

import data.gavel.lib.records

test_record_store_by_label if {
	records.record_store({"labels": {"records-class": "SEC-17a-4"}})
	records.records_class({"labels": {"records-class": "SEC-17a-4"}}) == "sec-17a-4"
	not records.record_store({"labels": {"records-class": "marketing"}})
	not records.record_store({"labels": {}})
}

test_minimum_is_six_years_by_default if {
	records.min_days == 2190
	records.min_days == 2555 with data.gavel.data.retention.records_min_retention_days as 2555
}
