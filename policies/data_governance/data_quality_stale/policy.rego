# METADATA
# title: Validated datasets were validated recently before they were last used
# description: >-
#   A dataset under data quality control (at least one Great Expectations validation of it in
#   the estate, joined by `validates` to its OpenLineage dataset) must have a passing validation
#   no more than `max_validation_age_days` before its latest lineage event: data a job read or
#   wrote after its checks lapsed or failed is not known to be free of errors. Measured against
#   the lineage itself, not the clock, so a result is reproducible from the same evidence.
# custom:
#   id: data_quality_stale
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-GOV-05]
#   regulations:
#     - {framework: EU-AI-ACT, article: "Art. 10(3)"}
#     - {framework: EU-AI-ACT, article: "Art. 10(2)"}
#   resource_kinds: [openlineage_dataset]
#   remediation: |
#     Run the dataset's expectation suite on every load (a GX checkpoint in the pipeline, or
#     `gavel check <validation>.gx.yaml` in CI) and fix what fails; change the period with the
#     data parameter data_governance.max_validation_age_days.
package gavel.data_governance.data_quality_stale

import rego.v1

import data.gavel.lib.governance
import data.gavel.lib.governance.params as governance_params

max_days := object.get(governance_params, "max_validation_age_days", 7)

day_ns := ((24 * 60) * 60) * 1000000000

# The validation results joined to the dataset by their `validates` edges.
validations := governance.sources_of_kind(input.resource.id, "validates", "gx_validation_result")

passing_times := [time.parse_rfc3339_ns(v.attributes.run_time) |
	some v in validations
	v.attributes.success == true
	is_string(v.attributes.run_time)
]

last_used := time.parse_rfc3339_ns(input.resource.attributes.last_event_time)

deny contains {
	"msg": sprintf("%s: none of its %d data quality validations passed", [input.resource.id, count(validations)]),
	"details": {"field": "gx_validation_result.success", "actual": false, "expected": "a passing validation"},
} if {
	input.resource.kind == "openlineage_dataset"
	count(validations) > 0
	count(passing_times) == 0
}

deny contains {
	"msg": sprintf("%s: latest passing validation is %d days older than its last use (%s); at most %d days allowed", [input.resource.id, age_days, input.resource.attributes.last_event_time, max_days]),
	"details": {"field": "gx_validation_result.run_time", "actual": sprintf("%d days", [age_days]), "expected": sprintf("at most %d days", [max_days])},
} if {
	input.resource.kind == "openlineage_dataset"
	count(passing_times) > 0
	age_ns := last_used - max(passing_times)
	age_ns > max_days * day_ns
	age_days := floor(age_ns / day_ns)
}
