# METADATA
# title: Production model versions were revalidated within the configured period
# description: >-
#   A model version in production carries a validation date no older than revalidation_days
#   (data/model_risk.yaml, 365) at the time the registry was read. Models drift as the world
#   they describe changes, so a validation expires.
# custom:
#   id: production_model_revalidated
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-MRM-03]
#   regulations:
#     - {framework: SEC, article: "MRM-3"}
#     - {framework: EU-AI-ACT, article: "Art. 15(1)"}
#   resource_kinds: [mlflow_model_version]
#   remediation: |
#     Revalidate the model and record the date (YYYY-MM-DD or RFC 3339):
#       client.set_model_version_tag("credit-risk", "3", "validation_date", "2026-10-01")
package gavel.model_risk.production_model_revalidated

import rego.v1

import data.gavel.lib.models
import data.gavel.lib.models.params as models_params

max_days := object.get(models_params, "revalidation_days", 365)

validated := models.tag(input.resource, "validation_date_keys")

exported_at := object.get(input.resource.attributes, ["registry", "exported_at"], null)

age_days := models.days_between(models.date_ns(validated), models.date_ns(exported_at))

deny contains {
	"msg": sprintf("%s is in production (%s) with no validation date; tag it with %v = the date of its last validation", [models.display(input.resource), models.production_reason(input.resource), models.keys("validation_date_keys")]),
	"details": {"field": "tags[validation_date]", "actual": null, "expected": sprintf("a date within %d days", [max_days])},
} if {
	models.in_production(input.resource)
	not validated
}

deny contains {
	"msg": sprintf("%s is in production (%s) with validation date %q, which is not a date (YYYY-MM-DD or RFC 3339)", [models.display(input.resource), models.production_reason(input.resource), validated]),
	"details": {"field": "tags[validation_date]", "actual": validated, "expected": "YYYY-MM-DD"},
} if {
	models.in_production(input.resource)
	not models.date_ns(validated)
}

deny contains {
	"msg": sprintf("%s is in production (%s) but was last validated %d days before the registry was read (%s); revalidate it at least every %d days", [models.display(input.resource), models.production_reason(input.resource), age_days, validated, max_days]),
	"details": {"field": "tags[validation_date]", "actual": validated, "expected": sprintf("within %d days of %s", [max_days, exported_at])},
} if {
	models.in_production(input.resource)
	age_days > max_days
}

warn contains {
	"msg": sprintf("%s: the registry export has no exported_at time, so the validation age cannot be measured", [models.display(input.resource)]),
	"details": {"field": "registry.exported_at", "actual": exported_at, "expected": "an RFC 3339 time"},
} if {
	models.in_production(input.resource)
	not models.date_ns(exported_at)
}
