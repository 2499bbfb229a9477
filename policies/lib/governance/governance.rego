# Governance metadata of OpenLineage datasets and jobs (DESIGN.md section 3).
#
# Datasets and jobs carry their governance declarations as tags (OpenLineage tags facets, which
# gavel turns into labels): lawful basis, purpose, retention, DPIA reference, erasure job. A key
# may be spelled several ways (a data parameter lists them); the first non-empty one counts.
#
# An audit judges datasets by the ten thousand, each by every data governance policy in one
# evaluation. What those policies all ask about the dataset judged (its classification) is a
# rule here, settled once per evaluation, where a function would be evaluated again at every
# call; and related resources are found through the estate graph's edges of the dataset, never
# by scanning every resource of a kind for each dataset.
package gavel.lib.governance

import rego.v1

import data.gavel.lib.classification
import data.gavel.lib.graph

params := object.get(data, ["gavel", "data", "data_governance"], {})

# The classification of the resource judged (`input.resource`), and whether it is personal data
# (`classification.is_personal`) or a special category of it (`is_special_category`), read once.
input_level := classification.of(input.resource)

input_personal if classification.rank(input_level) >= classification.rank("personal")

input_special_category if input_level == "special-category"

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

# A retention period in days: an ISO 8601 duration of days, weeks, months or years (P30D, P6W,
# P18M, P2Y; a month counts 31 days, a year 366, so a period is never undercounted), or a
# plain number of days. Undefined when the value is neither.
retention_days(value) := to_number(value) if regex.match(`^[0-9]+$`, value)

retention_days(value) := days if {
	parts := regex.find_all_string_submatch_n(`^P([0-9]+)([DWMY])$`, upper(value), 1)
	count(parts) == 1
	days := to_number(parts[0][1]) * {"D": 1, "W": 7, "M": 31, "Y": 366}[parts[0][2]]
}

# The resources of `kind` joined to the resource `id` by edges of `type` pointing at it (the jobs
# that write a dataset, the validation results that validate it).
sources_of_kind(id, type, kind) := [r |
	some source in graph.sources(id, type)
	r := graph.resource(source)
	r.kind == kind
]
