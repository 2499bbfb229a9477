# METADATA
# title: Personal datasets declare their lawful basis and processing purpose
# description: >-
#   An OpenLineage dataset classified personal or special-category is tagged with the GDPR
#   Art. 6(1) lawful basis it is processed under (one of the data parameter `lawful_bases`) and
#   with the purpose it was collected for (Art. 5(1)(b)), so every processing of it can be
#   checked against a declared basis and purpose.
# custom:
#   id: personal_data_lawful_basis
#   version: 1.0.0
#   severity: high
#   controls: [GVL-GOV-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 6(1)"}
#     - {framework: GDPR, article: "Art. 5(1)(b)"}
#   resource_kinds: [openlineage_dataset]
#   remediation: |
#     Tag the dataset in its producer's tags facet, e.g. for the OpenLineage Python client:
#       TagsDatasetFacet(tags=[TagsDatasetFacetFields(key="lawful-basis", value="contract"),
#                              TagsDatasetFacetFields(key="purpose", value="order-fulfilment")])
#     or in dbt `meta`/tags of the model. Accepted bases: consent, contract, legal-obligation,
#     vital-interests, public-task, legitimate-interests.
package gavel.data_governance.personal_data_lawful_basis

import rego.v1

import data.gavel.lib.governance
import data.gavel.lib.governance.input_level
import data.gavel.lib.governance.input_personal
import data.gavel.lib.governance.params as governance_params

basis_keys := object.get(governance_params, "lawful_basis_keys", ["lawful-basis"])

purpose_keys := object.get(governance_params, "purpose_keys", ["purpose"])

lawful_bases := object.get(governance_params, "lawful_bases", ["consent", "contract", "legal-obligation", "vital-interests", "public-task", "legitimate-interests"])

basis := governance.tag(input.resource, basis_keys)

purpose := governance.tag(input.resource, purpose_keys)

deny contains {
	"msg": sprintf("%s: %s data declares no lawful basis; tag it %s=<%s>", [input.resource.id, input_level, basis_keys[0], concat("|", lawful_bases)]),
	"details": {"field": sprintf("labels.%s", [basis_keys[0]]), "actual": null, "expected": lawful_bases},
} if {
	input_personal
	not basis
}

deny contains {
	"msg": sprintf("%s: lawful basis %q is not one of %s", [input.resource.id, basis, concat(", ", lawful_bases)]),
	"details": {"field": sprintf("labels.%s", [basis_keys[0]]), "actual": basis, "expected": lawful_bases},
} if {
	input_personal
	is_string(basis)
	not lower(trim_space(basis)) in lawful_bases
}

deny contains {
	"msg": sprintf("%s: %s data declares no processing purpose; tag it %s=<purpose>", [input.resource.id, input_level, purpose_keys[0]]),
	"details": {"field": sprintf("labels.%s", [purpose_keys[0]]), "actual": null, "expected": "the purpose the data was collected for"},
} if {
	input_personal
	not purpose
}
