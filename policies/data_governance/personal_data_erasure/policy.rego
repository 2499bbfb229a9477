# METADATA
# title: Personal datasets have a registered erasure job
# description: >-
#   Erasure requests (GDPR Art. 17) can only be honoured without undue delay when something
#   erases them: an OpenLineage dataset classified personal or special-category either names its
#   erasure job in a tag (`erasure-job=<namespace>/<name>`) or is written by an OpenLineage job
#   tagged as an erasure job (`purpose=erasure`, data parameter `erasure_job_labels`) in the
#   same estate.
# custom:
#   id: personal_data_erasure
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-GOV-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 17"}
#   resource_kinds: [openlineage_dataset]
#   remediation: |
#     Run the erasure pipeline with OpenLineage enabled and tag its job (tags job facet
#     `purpose=erasure`) so its runs show it writing the dataset, or tag the dataset with
#     `erasure-job=<namespace>/<job name>` naming the job that erases from it.
package gavel.data_governance.personal_data_erasure

import rego.v1

import data.gavel.lib.governance
import data.gavel.lib.governance.input_level
import data.gavel.lib.governance.input_personal
import data.gavel.lib.governance.params as governance_params

tag_keys := object.get(governance_params, "erasure_job_keys", ["erasure-job"])

job_labels := object.get(governance_params, "erasure_job_labels", {"purpose": "erasure"})

deny contains {
	"msg": sprintf("%s: %s data has no registered erasure job; tag it %s=<namespace>/<job> or run a job tagged %s that writes it", [input.resource.id, input_level, tag_keys[0], shown_labels]),
	"details": {"field": sprintf("labels.%s", [tag_keys[0]]), "actual": null, "expected": "an erasure job for this dataset"},
} if {
	input_personal
	not governance.tag(input.resource, tag_keys)
	not erased_by_job
	shown_labels := concat(",", [sprintf("%s=%s", [k, v]) | some k, v in job_labels])
}

# A lineage job writing the dataset (a `writes` edge to it) is tagged as an erasure job.
erased_by_job if {
	some job in governance.sources_of_kind(input.resource.id, "writes", "openlineage_job")
	erasure_job(job)
}

erasure_job(job) if {
	every k, v in job_labels {
		lower(object.get(job.labels, k, "")) == lower(v)
	}
}
