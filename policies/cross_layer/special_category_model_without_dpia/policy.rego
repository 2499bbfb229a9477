# METADATA
# title: Models trained on special-category data are deployed only with a DPIA reference
# description: >-
#   A model (a registry model version, a SageMaker model) whose training data includes special
#   categories of personal data (GDPR Art. 9: health, biometric, genetic, ...), traced through
#   lineage to the datasets its training job read, is high-risk processing once it is deployed
#   (something serves it, or it is in production) and needs a data protection impact assessment
#   (GDPR Art. 35). The model, or what serves it, names the assessment in a tag or label
#   (dpia_keys in data/data_governance.yaml, as for datasets).
# custom:
#   id: special_category_model_without_dpia
#   version: 1.0.0
#   severity: high
#   controls: [GVL-GOV-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 35(1)"}
#     - {framework: NIST-800-53, article: "RA-8"}
#   resource_kinds: [mlflow_model_version, aws_sagemaker_model, "AWS::SageMaker::Model"]
#   remediation: |
#     Carry out the DPIA and tag the model (or its endpoint) with its reference:
#       resource "aws_sagemaker_model" "diagnosis" {
#         tags = { dpia = "DPIA-2025-014" }
#       }
#     or, for an MLflow model version: `mlflow.set_model_version_tag(name, version, "dpia", "DPIA-2025-014")`.
package gavel.cross_layer.special_category_model_without_dpia

import rego.v1

import data.gavel.lib.graph

# By its own path: read through `graph`, every rule of that package is evaluated for each model.
import data.gavel.lib.graph.governance_params

keys := object.get(governance_params, "dpia_keys", ["dpia"])

deny contains violation if {
	graph.is_model(input.resource)
	special := graph.classified_at_least(graph.training_data(input.resource.id), "special-category")
	count(special) > 0
	graph.is_deployed(input.resource)
	not referenced(input.resource)
	not served_with_reference
	datasets := [d.id | some d in special]
	violation := {
		"msg": sprintf("%s is trained on special-category data (%s) and %s without a DPIA reference; set the tag %s to the assessment's reference", [
			graph.display(input.resource), concat(", ", datasets), deployment, keys[0],
		]),
		"details": {"field": sprintf("labels.%s", [keys[0]]), "actual": null, "expected": "a DPIA reference", "datasets": datasets},
	}
}

deployment := sprintf("is served by %s", [concat(", ", servers)]) if {
	servers := graph.targets(input.resource.id, "deployed_as")
	count(servers) > 0
} else := "is in production"

referenced(r) if {
	some key in keys
	trim_space(object.get(r, ["labels", key], "")) != ""
}

served_with_reference if {
	some server in graph.targets(input.resource.id, "deployed_as")
	referenced(graph.resource(server))
}
