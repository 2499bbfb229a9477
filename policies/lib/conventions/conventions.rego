# The Kubernetes label and annotation conventions of data/conventions.yaml: which workloads are
# recommender systems (DSA) or high-risk AI systems (EU AI Act), and the annotations that point
# at their documentation and logs. A label or annotation counts whether it is set on the
# workload or on its pod template (the workload's own value wins).
package gavel.lib.conventions

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.k8s

params := checks.parameters("conventions")

# The pod template of a workload (the Pod itself for a Pod); empty for other objects.
template(object) := object if {
	object.kind == "Pod"
} else := object.spec.jobTemplate.spec.template if {
	object.kind == "CronJob"
} else := object.spec.template if {
	is_object(object.spec.template)
} else := {}

metadata_map(object, key) := value if {
	value := object.metadata[key]
	is_object(value)
} else := {}

# Several policies ask the labels of the workload judged: that answer is `input_labels`, settled
# once per evaluation.
labels(object) := input_labels if {
	object == input.resource.attributes
} else := labels_of(object)

input_labels := labels_of(input.resource.attributes)

labels_of(object) := object.union(metadata_map(template(object), "labels"), metadata_map(object, "labels"))

annotations(object) := object.union(metadata_map(template(object), "annotations"), metadata_map(object, "annotations"))

label_value(object, name) := lower(value) if {
	value := labels(object)[params.labels[name]]
	is_string(value)
}

is_recommender(object) if label_value(object, "system_type") in object.get(params, "recommender_system_types", [])

is_high_risk_ai(object) if label_value(object, "ai_risk_class") in object.get(params, "high_risk_classes", [])

# The annotation key of a convention name (`main_parameters` -> `gavel.dev/recommender-main-parameters`).
annotation_key(name) := params.annotations[name]

# The non-blank value of a convention annotation; undefined when absent or blank.
annotation(object, name) := value if {
	value := annotations(object)[annotation_key(name)]
	is_string(value)
	trim_space(value) != ""
}

# `metadata.annotations[gavel.dev/...]` for messages.
annotation_field(name) := sprintf("metadata.annotations[%s]", [annotation_key(name)])

# A deny entry when the workload `resource` lacks the convention annotation `name`; undefined
# when it has it. `expected` says what the annotation should hold.
missing_annotation(resource, name, expected) := checks.finding(k8s.display(resource), annotation_field(name), null, expected) if {
	not annotation(resource.attributes, name)
}
