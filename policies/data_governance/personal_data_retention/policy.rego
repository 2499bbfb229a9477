# METADATA
# title: Personal datasets declare a retention period within the allowed maximum
# description: >-
#   An OpenLineage dataset classified personal or special-category is tagged with how long its
#   records are kept (an ISO 8601 duration such as P2Y, or a number of days), at most the data
#   parameter `max_retention_days`: storage limitation needs a limit to enforce.
# custom:
#   id: personal_data_retention
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-RET-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 5(1)(e)"}
#   resource_kinds: [openlineage_dataset]
#   remediation: |
#     Tag the dataset with its retention period in the producer's tags facet, e.g.
#       TagsDatasetFacetFields(key="retention", value="P2Y")
#     and enforce it with a lifecycle rule or an erasure job; longer periods than
#     max_retention_days need a waiver stating the legal obligation.
package gavel.data_governance.personal_data_retention

import rego.v1

import data.gavel.lib.governance
import data.gavel.lib.governance.input_level
import data.gavel.lib.governance.input_personal
import data.gavel.lib.governance.params as governance_params

keys := object.get(governance_params, "retention_keys", ["retention"])

max_days := object.get(governance_params, "max_retention_days", 3650)

retention := governance.tag(input.resource, keys)

deny contains {
	"msg": sprintf("%s: %s data declares no retention period; tag it %s=<ISO 8601 duration, e.g. P2Y>", [input.resource.id, input_level, keys[0]]),
	"details": {"field": sprintf("labels.%s", [keys[0]]), "actual": null, "expected": sprintf("a period of at most %d days", [max_days])},
} if {
	input_personal
	not retention
}

deny contains {
	"msg": sprintf("%s: retention %q is not a period gavel can read; use an ISO 8601 duration (P30D, P18M, P2Y) or days", [input.resource.id, retention]),
	"details": {"field": sprintf("labels.%s", [keys[0]]), "actual": retention, "expected": "PnD, PnW, PnM, PnY or a number of days"},
} if {
	input_personal
	is_string(retention)
	not governance.retention_days(retention)
}

deny contains {
	"msg": sprintf("%s: retention %s (%d days) exceeds the %d days allowed for personal data", [input.resource.id, retention, days, max_days]),
	"details": {"field": sprintf("labels.%s", [keys[0]]), "actual": retention, "expected": sprintf("at most %d days", [max_days])},
} if {
	input_personal
	days := governance.retention_days(retention)
	days > max_days
}
