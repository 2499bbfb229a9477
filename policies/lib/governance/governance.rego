# Governance metadata of OpenLineage datasets and jobs (DESIGN.md section 3).
#
# Datasets and jobs carry their governance declarations as tags (OpenLineage tags facets, which
# gavel turns into labels): lawful basis, purpose, retention, DPIA reference, erasure job. A key
# may be spelled several ways (a data parameter lists them); the first non-empty one counts.
package gavel.lib.governance

import rego.v1

params := object.get(data, ["gavel", "data", "data_governance"], {})

# The value of the first of `keys` the resource is tagged with (non-empty), else undefined.
tag(resource, keys) := values[0] if {
	values := [v |
		some key in keys
		v := object.get(resource, ["labels", key], "")
		is_string(v)
		trim_space(v) != ""
	]
	count(values) > 0
}

# The identity key of an OpenLineage dataset resource, as job inputs and outputs name it.
dataset_key(resource) := sprintf("dataset:%s/%s", [
	trim_right(resource.attributes.namespace, "/"),
	trim_left(resource.attributes.name, "/"),
])

# A retention period in days: an ISO 8601 duration of days, weeks, months or years (P30D, P6W,
# P18M, P2Y; a month counts 31 days, a year 366, so a period is never undercounted), or a
# plain number of days. Undefined when the value is neither.
retention_days(value) := to_number(value) if regex.match(`^[0-9]+$`, value)

retention_days(value) := days if {
	parts := regex.find_all_string_submatch_n(`^P([0-9]+)([DWMY])$`, upper(value), 1)
	count(parts) == 1
	days := to_number(parts[0][1]) * {"D": 1, "W": 7, "M": 31, "Y": 366}[parts[0][2]]
}

# The resources of one kind in the estate (through by_kind, never a scan).
resources_of(kind) := [data.gavel.estate.resources[id] |
	some id in object.get(data, ["gavel", "estate", "by_kind", kind], [])
]
