# METADATA
# title: Special-category datasets reference a data protection impact assessment
# description: >-
#   An OpenLineage dataset classified special-category (GDPR Art. 9: health, biometric, genetic,
#   ...) is tagged with the reference of the DPIA that covers its processing, which Art. 35(1)
#   requires before processing special categories at scale.
# custom:
#   id: special_category_dpia
#   version: 1.0.0
#   severity: high
#   controls: [GVL-GOV-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 35(1)"}
#     - {framework: GDPR, article: "Art. 9"}
#   resource_kinds: [openlineage_dataset]
#   remediation: |
#     Carry out the DPIA and tag the dataset with its reference in the tags facet, e.g.
#       TagsDatasetFacetFields(key="dpia", value="DPIA-2025-014")
package gavel.data_governance.special_category_dpia

import rego.v1

import data.gavel.lib.governance
import data.gavel.lib.governance.input_special_category
import data.gavel.lib.governance.params as governance_params

keys := object.get(governance_params, "dpia_keys", ["dpia"])

deny contains {
	"msg": sprintf("%s: special-category data without a DPIA reference; tag it %s=<DPIA id or URL>", [input.resource.id, keys[0]]),
	"details": {"field": sprintf("labels.%s", [keys[0]]), "actual": null, "expected": "the reference of the DPIA covering this dataset"},
} if {
	input_special_category
	not governance.tag(input.resource, keys)
}
