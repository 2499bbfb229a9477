# METADATA
# title: Production model versions passed independent validation
# description: >-
#   A model version in production (a production alias such as champion, or the Production stage;
#   data/model_risk.yaml) carries a validation status tag whose value is in
#   passed_validation_values. A model used before its validation passed is the first failure
#   model risk management guards against.
# custom:
#   id: production_model_validated
#   version: 1.0.0
#   severity: high
#   controls: [GVL-MRM-02]
#   regulations:
#     - {framework: SEC, article: "MRM-2"}
#     - {framework: NIST-800-53, article: "SA-11"}
#   resource_kinds: [mlflow_model_version]
#   remediation: |
#     After the independent validation passes, record it on the version before promoting it:
#       client.set_model_version_tag("credit-risk", "3", "validation_status", "passed")
#       client.set_model_version_tag("credit-risk", "3", "validation_date", "2026-10-01")
#       client.set_registered_model_alias("credit-risk", "champion", "3")
package gavel.model_risk.production_model_validated

import rego.v1

import data.gavel.lib.models
import data.gavel.lib.models.params as models_params

status := models.tag(input.resource, "validation_status_keys")

passed := {lower(v) | some v in object.get(models_params, "passed_validation_values", [])}

deny contains {
	"msg": sprintf("%s is in production (%s) with no validation status; tag it with one of %v after validation passes", [models.display(input.resource), models.production_reason(input.resource), models.keys("validation_status_keys")]),
	"details": {"field": sprintf("tags[%s]", [concat("|", models.keys("validation_status_keys"))]), "actual": null, "expected": sort(passed)},
} if {
	models.in_production(input.resource)
	not status
}

deny contains {
	"msg": sprintf("%s is in production (%s) but its validation status is %q; only %v may serve production", [models.display(input.resource), models.production_reason(input.resource), status, sort(passed)]),
	"details": {"field": "tags[validation_status]", "actual": status, "expected": sort(passed)},
} if {
	models.in_production(input.resource)
	not lower(status) in passed
}
