# METADATA
# title: Production models' training datasets passed data-quality validation recently
# description: >-
#   Training data of a model in production must be shown to be fit for purpose (EU AI Act
#   Art. 10(3)): each dataset the model is trained on (traced through lineage) has a passing
#   data-quality validation no older than max_validation_age_days (data/data_governance.yaml,
#   7 by default): a Great Expectations result that validates it, or OpenLineage
#   dataQualityAssertions on the dataset that all passed. Age is measured at the time the
#   model's registry was read (an MLflow export's `registry.exported_at`), else at the time of
#   the run. A model with no traced training data is judged by production_model_lineage_gap.
# custom:
#   id: production_model_unvalidated_training_data
#   version: 1.0.0
#   severity: high
#   controls: [GVL-GOV-05]
#   regulations:
#     - {framework: EU-AI-ACT, article: "Art. 10(3)"}
#     - {framework: NIST-800-53, article: "SA-11"}
#   resource_kinds: [mlflow_model_version, aws_sagemaker_model, "AWS::SageMaker::Model"]
#   remediation: |
#     Validate each training dataset on a schedule and record the result where gavel reads it:
#     run its Great Expectations suite with the dataset named in the validation's meta,
#       ValidationDefinition(..., meta={"openlineage.io/dataset": "s3://lake/features"})
#     or emit OpenLineage dataQualityAssertions for it from the pipeline that writes it.
package gavel.cross_layer.production_model_unvalidated_training_data

import rego.v1

import data.gavel.lib.graph

# By its own path: read through `graph`, every rule of that package is evaluated for each model.
import data.gavel.lib.graph.governance_params

max_days := object.get(governance_params, "max_validation_age_days", 7)

deny contains violation if {
	graph.is_model(input.resource)
	graph.is_production(input.resource)
	some dataset in graph.training_datasets(input.resource.id)
	not validated_recently(dataset)
	violation := {
		"msg": sprintf("%s is in production but its training dataset %s has no passing data-quality validation in the last %v days (%s); validate it and record the result", [
			graph.display(input.resource), dataset, max_days, latest(dataset),
		]),
		"details": {"field": "validates", "actual": latest(dataset), "expected": sprintf("a passing validation within %v days", [max_days]), "dataset": dataset},
	}
}

# When the model's state was read: its registry export's time, else the run's clock (the
# engine's `input.now`), else the runtime's when a caller gives neither.
now_ns := time.parse_rfc3339_ns(input.resource.attributes.registry.exported_at) if {
	is_string(input.resource.attributes.registry.exported_at)
} else := time.parse_rfc3339_ns(input.now) if {
	is_string(input.now)
} else := time.now_ns()

recent(timestamp) if {
	is_string(timestamp)
	now_ns - time.parse_rfc3339_ns(timestamp) <= max_days * 86400000000000
}

# {time, success} of each validation of the dataset: results that validate it, and the
# OpenLineage data-quality assertions on it (as of its latest event).
validations(dataset) := array.concat(
	[{"time": r.attributes.run_time, "success": r.attributes.success == true} |
		some result in graph.sources(dataset, "validates")
		r := graph.resource(result)
	],
	[{"time": object.get(r.attributes, "last_event_time", null), "success": r.attributes.data_quality.success == true} |
		r := graph.resource(dataset)
		is_object(r.attributes.data_quality)
	],
)

validated_recently(dataset) if {
	some v in validations(dataset)
	v.success
	recent(v.time)
}

# What the latest dated validation said, for messages.
latest(dataset) := "never validated" if {
	count(validations(dataset)) == 0
} else := sprintf("latest %s at %s", [outcome(last[1]), last[0]]) if {
	dated := [[v.time, v.success] | some v in validations(dataset); is_string(v.time)]
	count(dated) > 0
	last := max(dated)
} else := "validated at an unknown time"

outcome(success) := "passed" if success else := "failed"
