package gavel.data_governance.special_category_dpia_test

import rego.v1

import data.gavel.data_governance.special_category_dpia as policy

dataset(labels) := {"id": "openlineage:dataset:gs://clinic/visits", "kind": "openlineage_dataset", "labels": labels}

test_special_category_without_dpia_denied if {
	some d in policy.deny with input as {"resource": dataset({"data-classification": "special-category"})}
	d.msg == "openlineage:dataset:gs://clinic/visits: special-category data without a DPIA reference; tag it dpia=<DPIA id or URL>"
}

test_dpia_reference_allowed if {
	count(policy.deny) == 0 with input as {"resource": dataset({"data-classification": "special-category", "dpia-reference": "DPIA-2025-014"})}
}

test_engine_classification_counts if {
	count(policy.deny) == 1 with input as {"resource": object.union(dataset({}), {"classification": "special-category"})}
}

test_personal_data_needs_no_dpia_here if {
	count(policy.deny) == 0 with input as {"resource": dataset({"data-classification": "personal"})}
}
