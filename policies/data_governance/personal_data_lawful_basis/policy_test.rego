package gavel.data_governance.personal_data_lawful_basis_test

import rego.v1

import data.gavel.data_governance.personal_data_lawful_basis as policy

dataset(labels) := {"id": "openlineage:dataset:s3://lake/users", "kind": "openlineage_dataset", "labels": labels, "attributes": {"namespace": "s3://lake", "name": "users"}}

test_declared_basis_and_purpose_allowed if {
	count(policy.deny) == 0 with input as {"resource": dataset({"data-classification": "personal", "lawful-basis": "Contract", "purpose": "billing"})}
}

test_missing_basis_and_purpose_denied if {
	denials := policy.deny with input as {"resource": dataset({"data-classification": "special-category"})}
	count(denials) == 2
	some d in denials
	d.msg == "openlineage:dataset:s3://lake/users: special-category data declares no lawful basis; tag it lawful-basis=<consent|contract|legal-obligation|vital-interests|public-task|legitimate-interests>"
}

test_unknown_basis_denied if {
	some d in policy.deny with input as {"resource": dataset({"data-classification": "personal", "legal-basis": "because", "purpose": "ads"})}
	d.details.actual == "because"
}

test_non_personal_not_judged if {
	count(policy.deny) == 0 with input as {"resource": dataset({"data-classification": "internal"})}
	count(policy.deny) == 0 with input as {"resource": dataset({})}
}

test_parameters_override_the_accepted_bases if {
	count(policy.deny) == 1 with input as {"resource": dataset({"data-classification": "personal", "lawful-basis": "contract", "purpose": "x"})}
		with data.gavel.data.data_governance.lawful_bases as ["consent"]
}
