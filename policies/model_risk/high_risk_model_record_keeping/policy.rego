# METADATA
# title: High-risk models in production keep records of their events and training data
# description: >-
#   A model version classified as a high-risk AI system (high_risk_keys and high_risk_values in
#   data/model_risk.yaml) that is in production names where its events are logged
#   (record_keeping_keys), and its training run records the datasets it was trained on (MLflow
#   dataset inputs). Without both, what the system did and what it learned from cannot be
#   reconstructed.
# custom:
#   id: high_risk_model_record_keeping
#   version: 1.0.0
#   severity: high
#   controls: [GVL-AI-01, GVL-MRM-05]
#   regulations:
#     - {framework: EU-AI-ACT, article: "Art. 12(1)"}
#     - {framework: EU-AI-ACT, article: "Art. 11"}
#     - {framework: SEC, article: "MRM-5"}
#   resource_kinds: [mlflow_model_version]
#   remediation: |
#     client.set_model_version_tag("credit-risk", "3", "record_keeping", "s3://risk-logs/credit-risk/")
#     and log the training data with the run:
#       mlflow.log_input(mlflow.data.from_pandas(df, source="s3://risk-lake/loans/2026-09.parquet"), context="training")
package gavel.model_risk.high_risk_model_record_keeping

import rego.v1

import data.gavel.lib.models

deny contains {
	"msg": sprintf("%s is a high-risk AI system in production (%s) with no record of where its events are logged; tag it with %v", [models.display(input.resource), models.production_reason(input.resource), models.keys("record_keeping_keys")]),
	"details": {"field": sprintf("tags[%s]", [concat("|", models.keys("record_keeping_keys"))]), "actual": null, "expected": "the location of the event logs"},
} if {
	models.in_production(input.resource)
	models.high_risk(input.resource)
	not models.tag(input.resource, "record_keeping_keys")
}

deny contains {
	"msg": sprintf("%s is a high-risk AI system in production (%s) whose training run records no input datasets; log them with mlflow.log_input", [models.display(input.resource), models.production_reason(input.resource)]),
	"details": {"field": "run.inputs.dataset_inputs", "actual": [], "expected": "the training datasets"},
} if {
	models.in_production(input.resource)
	models.high_risk(input.resource)
	count(object.get(input.resource.attributes, "training_datasets", [])) == 0
}
