# METADATA
# title: Production models' training data can be traced
# description: >-
#   A model in production must show where its training data came from (EU AI Act Art. 10(2) on
#   data origin, Art. 11 with Annex IV on technical documentation): lineage must lead from the
#   model to at least one collected dataset or store, directly (`trained_on`) or through the
#   training job or run it names. A model that names no training data, or only datasets, jobs
#   or runs that were never collected (or a job with no recorded inputs), is a lineage gap.
# custom:
#   id: production_model_lineage_gap
#   version: 1.0.0
#   severity: high
#   controls: [GVL-GOV-06, GVL-MRM-05]
#   regulations:
#     - {framework: EU-AI-ACT, article: "Art. 10(2)"}
#     - {framework: EU-AI-ACT, article: "Art. 11"}
#   resource_kinds: [mlflow_model_version, aws_sagemaker_model, "AWS::SageMaker::Model"]
#   remediation: |
#     Record the training data with the model: log the run's input datasets in MLflow
#     (`mlflow.log_input(dataset, context="training")`), emit OpenLineage events from the
#     training job, or tag the model with the lineage job that trained it
#     (`openlineage.io/job = <namespace>/<job>`), and collect those sources in the same run.
package gavel.cross_layer.production_model_lineage_gap

import rego.v1

import data.gavel.lib.graph

deny contains violation if {
	graph.is_model(input.resource)
	graph.is_production(input.resource)
	count(graph.training_data(input.resource.id)) == 0
	named := graph.unresolved(input.resource.id, "trained_on")
	violation := {
		"msg": sprintf("%s is in production but its training data cannot be traced: %s; record its training datasets and collect them", [
			graph.display(input.resource), gap(named),
		]),
		"details": {"field": "trained_on", "actual": named, "expected": "a traced training dataset"},
	}
}

gap(named) := "it names no training data" if {
	count(named) == 0
} else := sprintf("%s named, none collected or with recorded inputs", [concat(", ", named)])
