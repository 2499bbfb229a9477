package gavel.lib.governance_test

import rego.v1

import data.gavel.lib.governance

test_tag_takes_the_first_non_empty_key if {
	governance.tag({"labels": {"lawful-basis": " ", "legal-basis": "consent"}}, ["lawful-basis", "legal-basis"]) == "consent"
	not governance.tag({"labels": {}}, ["lawful-basis"])
	not governance.tag({}, ["lawful-basis"])
}

test_dataset_key_matches_identity_keys if {
	governance.dataset_key({"attributes": {"namespace": "s3://lake/", "name": "/users"}}) == "dataset:s3://lake/users"
}

test_retention_days if {
	governance.retention_days("P30D") == 30
	governance.retention_days("p2y") == 732
	governance.retention_days("P6W") == 42
	governance.retention_days("90") == 90
	not governance.retention_days("forever")
	not governance.retention_days("P1Y6M")
}

test_resources_of_reads_by_kind if {
	estate := {"resources": {"a": {"kind": "gx_validation_result"}, "b": {"kind": "openlineage_job"}}, "by_kind": {"gx_validation_result": ["a"]}}
	governance.resources_of("gx_validation_result") == [{"kind": "gx_validation_result"}] with data.gavel.estate as estate
}
