# METADATA
# title: High-risk models in production declare their human oversight
# description: >-
#   A model version classified as a high-risk AI system that is in production names its human
#   oversight measure and the accountable person or role (human_oversight_keys in
#   data/model_risk.yaml). High-risk systems must be designed so that natural persons can
#   oversee them while in use.
# custom:
#   id: high_risk_model_human_oversight
#   version: 1.0.0
#   severity: high
#   controls: [GVL-AI-02]
#   regulations:
#     - {framework: EU-AI-ACT, article: "Art. 14"}
#   resource_kinds: [mlflow_model_version]
#   remediation: |
#     client.set_model_version_tag("credit-risk", "3", "human_oversight",
#         "credit officers review every decline (owner: head of credit risk)")
package gavel.model_risk.high_risk_model_human_oversight

import rego.v1

import data.gavel.lib.models

deny contains {
	"msg": sprintf("%s is a high-risk AI system in production (%s) with no declared human oversight; tag it with %v naming the measure and who is accountable", [models.display(input.resource), models.production_reason(input.resource), models.keys("human_oversight_keys")]),
	"details": {"field": sprintf("tags[%s]", [concat("|", models.keys("human_oversight_keys"))]), "actual": null, "expected": "the oversight measure and accountable person"},
} if {
	models.in_production(input.resource)
	models.high_risk(input.resource)
	not models.tag(input.resource, "human_oversight_keys")
}
