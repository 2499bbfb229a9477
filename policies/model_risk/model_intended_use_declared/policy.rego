# METADATA
# title: Production models declare their intended use
# description: >-
#   A model version in production, or its registered model, carries an intended use tag
#   (intended_use_keys in data/model_risk.yaml) stating what the model may be used for and its
#   limits. Use outside the purpose a model was built and validated for is model risk by
#   definition, and deployers of high-risk AI systems must be told the intended purpose.
# custom:
#   id: model_intended_use_declared
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-MRM-01]
#   regulations:
#     - {framework: SEC, article: "MRM-1"}
#     - {framework: EU-AI-ACT, article: "Art. 13"}
#   resource_kinds: [mlflow_model_version]
#   remediation: |
#     client.set_registered_model_tag("credit-risk", "intended_use",
#         "Retail credit decisions in the EU; not for employment or insurance pricing")
package gavel.model_risk.model_intended_use_declared

import rego.v1

import data.gavel.lib.models

deny contains {
	"msg": sprintf("%s is in production (%s) with no declared intended use; tag the model or version with %v", [models.display(input.resource), models.production_reason(input.resource), models.keys("intended_use_keys")]),
	"details": {"field": sprintf("tags[%s]", [concat("|", models.keys("intended_use_keys"))]), "actual": null, "expected": "the model's intended use and limits"},
} if {
	models.in_production(input.resource)
	not models.tag(input.resource, "intended_use_keys")
}
