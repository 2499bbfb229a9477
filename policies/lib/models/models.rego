# Reading registered model versions (MLflow `mlflow_model_version`, adapters/mlflow.py) for the
# model_risk policies: whether a version serves production, its governance tags (model tags
# overlaid with version tags, in `labels`), dates, and whether it is a high-risk AI system.
# Which aliases, stages and tag names count is data (data.gavel.data.model_risk).
package gavel.lib.models

import rego.v1

import data.gavel.lib.checks

params := checks.parameters("model_risk")

# `mlflow_model_version credit-risk/3`, for messages.
display(resource) := sprintf("model version %s", [resource.name])

# A version serves production: it holds a production alias or sits in a production stage.
production_aliases(resource) := {a |
	some a in object.get(resource.attributes, "aliases", [])
	lower(a) in {lower(p) | some p in object.get(params, "production_aliases", [])}
}

in_production(resource) if count(production_aliases(resource)) > 0

in_production(resource) if {
	stage := object.get(resource.attributes, "current_stage", "")
	lower(stage) in {lower(s) | some s in object.get(params, "production_stages", [])}
}

# How the version is in production, for messages: `alias champion` or `stage Production`.
production_reason(resource) := sprintf("alias %s", [concat(", ", sort(production_aliases(resource)))]) if {
	count(production_aliases(resource)) > 0
} else := sprintf("stage %s", [resource.attributes.current_stage])

# The first non-empty label among `keys` (a parameter naming the tag keys that may carry it).
tag(resource, keys_param) := value if {
	values := [v |
		some key in object.get(params, keys_param, [])
		v := trim_space(object.get(resource.labels, key, ""))
		v != ""
	]
	count(values) > 0
	value := values[0]
}

# The tag keys a parameter names, for messages.
keys(keys_param) := object.get(params, keys_param, [])

high_risk(resource) if lower(tag(resource, "high_risk_keys")) in {lower(v) | some v in object.get(params, "high_risk_values", [])}

# Nanoseconds since the epoch of a date (`2026-10-01`) or an RFC 3339 timestamp; undefined for
# anything else, so a malformed date is reported, never a failing built-in.
date_ns(value) := time.parse_ns("2006-01-02", value) if {
	is_string(value)
	regex.match(`^\d{4}-\d{2}-\d{2}$`, value)
} else := time.parse_rfc3339_ns(value) if {
	is_string(value)
	regex.match(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`, value)
}

# Whole days between two instants given in nanoseconds.
days_between(earlier_ns, later_ns) := floor((later_ns - earlier_ns) / 86400000000000)
