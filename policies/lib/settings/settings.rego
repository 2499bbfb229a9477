# Settings resources that configure another resource: the logging, lifecycle, public access
# block, ACL and Object Lock configurations of an S3 bucket (AWS provider v4+ declares each as
# its own resource). They are found through the estate graph's `configures` edges, which the
# Terraform adapter draws from the bucket name or from the plan's reference to the bucket, so
# a bucket whose name is known only after apply still finds its settings, and judging one
# bucket costs the size of its neighbourhood, not of the plan.
package gavel.lib.settings

import rego.v1

import data.gavel.lib.graph

# The resources of `kind` that configure `resource`. The S3 policies ask this of the bucket
# judged for several kinds, each in several rules: for `input.resource` the answer comes from
# `input_by_kind`, a rule the runtime settles once per evaluation (it never keeps a function's
# result).
of_kind(resource, kind) := object.get(input_by_kind, kind, []) if {
	resource.id == input.resource.id
} else := [r |
	some r in configuring(resource.id)
	r.kind == kind
]

# Every resource that configures the resource `id`, in edge order.
configuring(id) := [r |
	some source in graph.sources(id, "configures")
	r := graph.resource(source)
]

# The resources configuring `input.resource`, and those by kind.
input_configuring := configuring(input.resource.id)

input_by_kind := {kind: [r | some r in input_configuring; r.kind == kind] |
	some kind in {c.kind | some c in input_configuring}
}
