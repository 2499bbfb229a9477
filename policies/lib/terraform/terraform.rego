# Helpers for the shapes Terraform plans give attributes.
#
# Nested blocks appear in planned values as lists of one object (`versioning: [{...}]`), maps
# as objects, booleans sometimes as strings (older plans, module outputs). Unknown values
# (computed after apply) are absent or null. These helpers read all of them the same way.
package gavel.lib.terraform

import rego.v1

# The resource's address without the adapter prefix (`aws_s3_bucket.raw`), for messages.
address(resource) := trim_prefix(resource.id, "terraform:") if {
	startswith(resource.id, "terraform:")
} else := sprintf("%s.%s", [resource.kind, resource.name])

# Every object of a nested block, whether rendered as a list of objects or one object.
blocks(attributes, name) := [b | some b in attributes[name]; is_object(b)] if {
	is_array(attributes[name])
} else := [attributes[name]] if {
	is_object(attributes[name])
} else := []

# The first object of a nested block; undefined when the block is absent or empty.
block(attributes, name) := blocks(attributes, name)[0]

# A nested path through blocks, e.g. ["settings", "ip_configuration"]: every object reached.
nested(attributes, path) := objects if {
	count(path) == 1
	objects := blocks(attributes, path[0])
} else := [o |
	some parent in blocks(attributes, path[0])
	some o in nested(parent, array.slice(path, 1, count(path)))
]

# True for `true` and the string "true" (any case); absent, null and anything else is not true.
is_true(value) if value == true

is_true(value) if {
	is_string(value)
	lower(value) == "true"
}

# True for `false` and the string "false".
is_false(value) if value == false

is_false(value) if {
	is_string(value)
	lower(value) == "false"
}

# An attribute that is present and not null, not empty.
has_value(attributes, name) if {
	value := attributes[name]
	value != null
	value != ""
	value != []
	value != {}
}

# A number from a number or a numeric string; undefined otherwise.
as_number(value) := value if is_number(value)

as_number(value) := to_number(value) if {
	is_string(value)
	regex.match(`^-?[0-9]+(\.[0-9]+)?$`, value)
}

# Every estate resource of a kind, through the estate's per-kind index (never a full scan).
estate_resources(kind) := [data.gavel.estate.resources[id] |
	some id in object.get(data, ["gavel", "estate", "by_kind", kind], [])
]

# The values at the end of a path through nested blocks (["encrypt_at_rest", "enabled"]),
# skipping absent ones; one value per block reached.
leaf_values(attributes, path) := [v |
	count(path) == 1
	v := attributes[path[0]]
] if {
	count(path) == 1
} else := [v |
	some holder in nested(attributes, array.slice(path, 0, count(path) - 1))
	v := holder[path[count(path) - 1]]
]

# The first element of an array, or null when it is empty.
first(values) := values[0] if {
	count(values) > 0
} else := null

# An estate document as gavel builds it (resources by id plus the per-kind index), for tests
# that mock `data.gavel.estate`.
estate_document(resources) := {
	"resources": resources,
	"by_kind": {kind: [id | some id, member in resources; member.kind == kind] | some r in resources; kind := r.kind},
}
