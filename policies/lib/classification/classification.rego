# Data classification of a resource (DESIGN.md section 3).
#
# The engine resolves the most sensitive classification that applies (own labels, pod template,
# namespace) into `resource.classification`; when a resource document lacks it, its own labels
# are read with the same keys. Levels are ordered public < internal < confidential < personal <
# special-category (GDPR Art. 9).
package gavel.lib.classification

import rego.v1

levels := ["public", "internal", "confidential", "personal", "special-category"]

label_keys := ["data-classification", "data_classification", "classification"]

# The rank of a level (0 for public); undefined for an unknown value.
rank(value) := ranks[lower(value)]

# level -> rank, built once per evaluation: a lookup instead of a scan of `levels` per call.
ranks := {level: i | some i, level in levels}

# The classification of a resource, or undefined when none is known. Several policies ask it of
# the resource judged: that answer is `input_level`, settled once per evaluation.
of(resource) := input_level if {
	resource == input.resource
} else := level_of(resource)

input_level := level_of(input.resource)

level_of(resource) := lower(resource.classification) if {
	is_string(resource.classification)
	rank(resource.classification)
} else := value if {
	ranked := [[rank(v), lower(v)] |
		some key in label_keys
		v := object.get(resource, ["labels", key], null)
		is_string(v)
		rank(v)
	]
	count(ranked) > 0
	value := max(ranked)[1]
}

# True when the resource's data is at least as sensitive as `level`.
at_least(resource, level) if rank(of(resource)) >= rank(level)

# Personal data in the GDPR sense, including special categories.
is_personal(resource) if at_least(resource, "personal")

# Special categories of personal data (GDPR Art. 9: health, biometric, genetic, ...).
is_special_category(resource) if of(resource) == "special-category"

# True when the resource's classification is one of `values` (e.g. a data parameter list).
in_classes(resource, values) if of(resource) in values
