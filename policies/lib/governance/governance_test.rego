package gavel.lib.governance_test

import rego.v1

import data.gavel.lib.governance
import data.gavel.lib.graph

test_tag_takes_the_first_non_empty_key if {
	governance.tag({"labels": {"lawful-basis": " ", "legal-basis": "consent"}}, ["lawful-basis", "legal-basis"]) == "consent"
	not governance.tag({"labels": {}}, ["lawful-basis"])
	not governance.tag({}, ["lawful-basis"])
}

test_classification_of_the_judged_resource if {
	governance.input_level == "special-category" with input as {"resource": {"classification": "Special-Category"}}
	governance.input_personal with input as {"resource": {"classification": "special-category"}}
	governance.input_special_category with input as {"resource": {"labels": {"data_classification": "special-category"}}}
	governance.input_personal with input as {"resource": {"labels": {"classification": "personal"}}}
	not governance.input_special_category with input as {"resource": {"labels": {"classification": "personal"}}}
	not governance.input_personal with input as {"resource": {"classification": "confidential"}}
	not governance.input_level with input as {"resource": {"labels": {}}}
}

test_retention_days if {
	governance.retention_days("P30D") == 30
	governance.retention_days("p2y") == 732
	governance.retention_days("P6W") == 42
	governance.retention_days("90") == 90
	not governance.retention_days("forever")
	not governance.retention_days("P1Y6M")
}

test_sources_of_kind_follows_edges_into_the_resource if {
	estate := graph.estate_document(
		{
			"job": {"kind": "openlineage_job"},
			"pod": {"kind": "Job"},
			"other": {"kind": "openlineage_job"},
			"d": {"kind": "openlineage_dataset"},
		},
		[
			{"from": "job", "to": "d", "type": "writes"},
			{"from": "pod", "to": "d", "type": "writes"},
			{"from": "other", "to": "d", "type": "reads"},
		],
	)
	governance.sources_of_kind("d", "writes", "openlineage_job") == [{"kind": "openlineage_job"}] with data.gavel.estate as estate
	governance.sources_of_kind("job", "writes", "openlineage_job") == [] with data.gavel.estate as estate
}
