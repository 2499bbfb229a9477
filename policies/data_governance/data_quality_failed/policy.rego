# METADATA
# title: Data quality validations of datasets pass
# description: >-
#   A Great Expectations validation result that did not succeed, or an OpenLineage dataset whose
#   latest data quality assertions (dataQualityAssertions facet, as dbt tests and the GX
#   OpenLineage action send them) include a failure, is a finding: data feeding models and
#   reports must be, as far as possible, free of errors (EU AI Act Art. 10(3)).
# custom:
#   id: data_quality_failed
#   version: 1.0.0
#   severity: high
#   controls: [GVL-GOV-05]
#   regulations:
#     - {framework: EU-AI-ACT, article: "Art. 10(3)"}
#   resource_kinds: [gx_validation_result, openlineage_dataset]
#   remediation: |
#     Fix the data (or the expectation, when it was wrong) and validate again; a known, accepted
#     failure needs a waiver naming its owner and an expiry date.
package gavel.data_governance.data_quality_failed

import rego.v1

deny contains {
	"msg": sprintf("%s: suite %q failed %v of %v expectations (%s)%s", [input.resource.id, attributes.suite_name, stats.unsuccessful_expectations, stats.evaluated_expectations, concat(", ", failed), on_dataset]),
	"details": {"field": "success", "actual": false, "expected": true, "failed_expectations": failed},
} if {
	input.resource.kind == "gx_validation_result"
	attributes := input.resource.attributes
	attributes.success == false
	stats := attributes.statistics
	failed := sort({sprintf("%s(%s)", [e.type, object.get(e, "column", null)]) | some e in attributes.expectations; e.success == false})
	on_dataset := dataset_suffix(attributes)
}

deny contains {
	"msg": sprintf("%s: latest data quality assertions failed: %s", [input.resource.id, concat(", ", failed)]),
	"details": {"field": "dataQualityAssertions", "actual": failed, "expected": "every assertion succeeds"},
} if {
	input.resource.kind == "openlineage_dataset"
	input.resource.attributes.data_quality.success == false
	failed := sort({sprintf("%s(%s)", [a.assertion, object.get(a, "column", null)]) | some a in input.resource.attributes.data_quality.assertions; a.success == false})
}

dataset_suffix(attributes) := sprintf(" on %s", [attributes.dataset]) if is_string(attributes.dataset)

else := ""
