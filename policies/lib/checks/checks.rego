# The shapes most configuration checks share: a switch that must be on, a number that must
# reach a minimum, and the finding that names the field and the value that would comply.
#
# Policies build their `deny` entries with `finding`, so every message reads the same way:
# `<resource>: <field> is <actual>; set <field> to <expected>`.
package gavel.lib.checks

import rego.v1

import data.gavel.lib.terraform

# Every data document (policies/data/<name>.yaml deep-merged with the user's --data files),
# read once per evaluation. A rule's value is kept for the whole query, while the embedded
# runtime walks every loaded module on each read of `data` from a function or another rule:
# policies read their parameters from here, never from `data` directly.
documents := object.get(data, ["gavel", "data"], {})

# The data document `name`, or an empty object without one.
parameters(name) := object.get(documents, name, {})

# True when the path (through nested blocks) holds at least one value and every one is true.
on(attributes, path) if {
	values := terraform.leaf_values(attributes, path)
	count(values) > 0
	every v in values {
		terraform.is_true(v)
	}
}

# True when `value` (a number or numeric string) is at least `minimum`.
at_least(value, minimum) if terraform.as_number(value) >= minimum

# The array at `object[key]`; empty when the key is absent, null or not an array. Iterating a
# null (`some x in null`) is an error in the embedded runtime, so policies read lists this way.
items(object, key) := object[key] if {
	is_array(object[key])
} else := []

# A value as lower-case text, for case-insensitive comparison of values that may not be
# strings (`ON`, `true`, 6): built-ins such as lower() fail on anything but a string.
text(value) := lower(value) if {
	is_string(value)
} else := sprintf("%v", [value])

# How a value reads in a message: absent and null read "not set".
shown(value) := "not set" if {
	value == null
} else := sprintf("%v", [value])

# A deny entry for `subject` (a resource address or display name) whose `field` holds `actual`
# where `expected` would comply.
finding(subject, field, actual, expected) := {
	"msg": sprintf("%s: %s is %s; set %s to %v", [subject, field, shown(actual), field, expected]),
	"details": {"field": field, "actual": actual, "expected": expected},
}

# A warn entry for a value the policy needs that the plan knows only after apply: neither a
# pass nor a violation (policies/README.md, "Values known only after apply").
after_apply(subject, field, expected) := {
	"msg": sprintf("%s: %s is known only after apply; check that it is %v once applied", [subject, field, expected]),
	"details": {"field": field, "actual": "(known after apply)", "expected": expected},
}

# The finding for the first value at a path of the resource's attributes (null when absent).
path_finding(resource, path, expected) := finding(
	terraform.address(resource),
	concat(".", path),
	terraform.first(terraform.leaf_values(resource.attributes, path)),
	expected,
)
