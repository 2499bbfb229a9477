# METADATA
# title: Production model versions went through approved, traceable change control
# description: >-
#   A model version in production names who approved its release (approver_keys in
#   data/model_risk.yaml) and the training run that produced it (the version's run_id, found in
#   the registry). A version promoted without an approval or a source run cannot be traced back
#   through the change process.
# custom:
#   id: model_change_control
#   version: 1.0.0
#   severity: high
#   controls: [GVL-MRM-04]
#   regulations:
#     - {framework: SEC, article: "MRM-4"}
#     - {framework: NIST-800-53, article: "CM-3"}
#     - {framework: ISO-27001, article: "A.8.32"}
#   resource_kinds: [mlflow_model_version]
#   remediation: |
#     Register versions from their training run and record the approval before promotion:
#       client.create_model_version("credit-risk", f"runs:/{run_id}/model", run_id=run_id)
#       client.set_model_version_tag("credit-risk", "3", "approved_by", "model-risk-committee")
package gavel.model_risk.model_change_control

import rego.v1

import data.gavel.lib.models

run_id := object.get(input.resource.attributes, "run_id", "")

deny contains {
	"msg": sprintf("%s is in production (%s) with no recorded approval; tag it with %v naming the approver", [models.display(input.resource), models.production_reason(input.resource), models.keys("approver_keys")]),
	"details": {"field": sprintf("tags[%s]", [concat("|", models.keys("approver_keys"))]), "actual": null, "expected": "the approver of the release"},
} if {
	models.in_production(input.resource)
	not models.tag(input.resource, "approver_keys")
}

deny contains {
	"msg": sprintf("%s is in production (%s) but names no training run; register versions with run_id so the change is traceable", [models.display(input.resource), models.production_reason(input.resource)]),
	"details": {"field": "run_id", "actual": null, "expected": "the id of the run that trained the version"},
} if {
	models.in_production(input.resource)
	not is_string(run_id)
}

deny contains {
	"msg": sprintf("%s is in production (%s) but names no training run; register versions with run_id so the change is traceable", [models.display(input.resource), models.production_reason(input.resource)]),
	"details": {"field": "run_id", "actual": run_id, "expected": "the id of the run that trained the version"},
} if {
	models.in_production(input.resource)
	run_id == ""
}

deny contains {
	"msg": sprintf("%s is in production (%s) but its training run %s is not in the registry (deleted?); the change cannot be traced", [models.display(input.resource), models.production_reason(input.resource), run_id]),
	"details": {"field": "run", "actual": null, "expected": run_id},
} if {
	models.in_production(input.resource)
	is_string(run_id)
	run_id != ""
	object.get(input.resource.attributes, "run", null) == null
}
