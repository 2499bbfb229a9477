# Settings resources that configure another resource: the logging, lifecycle, public access
# block, ACL and Object Lock configurations of an S3 bucket (AWS provider v4+ declares each as
# its own resource). They are found through the estate graph's `configures` edges, which the
# Terraform adapter draws from the bucket name or from the plan's reference to the bucket, so
# a bucket whose name is known only after apply still finds its settings, and judging one
# bucket costs the size of its neighbourhood, not of the plan.
package gavel.lib.settings

import rego.v1

import data.gavel.lib.graph

# The resources of `kind` that configure `resource`.
of_kind(resource, kind) := [r |
	some id in graph.sources(resource.id, "configures")
	r := graph.resource(id)
	r.kind == kind
]
