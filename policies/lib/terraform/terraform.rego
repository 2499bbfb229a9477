# Helpers for the shapes Terraform plans give attributes.
#
# Nested blocks appear in planned values as lists of one object (`versioning: [{...}]`), maps
# as objects, booleans sometimes as strings (older plans, module outputs). Unknown values
# (computed after apply) are absent from the attributes and listed in `input.resource.unknown`:
# `unknown(resource, path)` tells them apart from values that are really missing.
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

# True when the value at `path` (attribute names through nested blocks, as `leaf_values` takes
# them) is known only after apply: the plan marks it, or a block holding it, in
# `resource.unknown` (paths of names and list indices). A policy treats such a value as neither
# compliant nor violating: it warns that the value must be checked once applied.
unknown(resource, path) if {
	some marked in object.get(resource, "unknown", [])
	names := [segment | some segment in marked; is_string(segment)]
	count(names) <= count(path)
	array.slice(path, 0, count(names)) == names
}

# A number from a number or a numeric string; undefined otherwise.
as_number(value) := value if is_number(value)

as_number(value) := to_number(value) if {
	is_string(value)
	regex.match(`^-?[0-9]+(\.[0-9]+)?$`, value)
}

# The estate document, read once per evaluation (see checks.documents for why).
estate := object.get(data, ["gavel", "estate"], {})

# Every estate resource of a kind, through the estate's per-kind index (never a full scan).
estate_resources(kind) := [estate.resources[id] | some id in object.get(estate, ["by_kind", kind], [])]

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

# An estate document as gavel builds it (resources by id, the per-kind index and the
# `configures` edges a bucket setting resource gets from the bucket it names), for tests that
# mock `data.gavel.estate`. A named bucket not in `resources` is taken to have the id
# `terraform:aws_s3_bucket.<name>`, as the tests' buckets do.
estate_document(resources) := {
	"resources": resources,
	"by_kind": {kind: [id | some id, member in resources; member.kind == kind] | some r in resources; kind := r.kind},
	"in": {target: {"configures": [id | some id, setting in resources; configured_bucket(resources, setting) == target]} |
		some r in resources
		target := configured_bucket(resources, r)
	},
}

configured_bucket(resources, setting) := id if {
	is_string(setting.attributes.bucket)
	some id, bucket in resources
	bucket.kind == "aws_s3_bucket"
	bucket.attributes.bucket == setting.attributes.bucket
} else := concat("", ["terraform:aws_s3_bucket.", setting.attributes.bucket]) if {
	is_string(setting.attributes.bucket)
	setting.kind != "aws_s3_bucket"
}
