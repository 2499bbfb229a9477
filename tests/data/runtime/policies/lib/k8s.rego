package lib.k8s

import rego.v1

# The pod spec of a Pod, or of the template of a workload that creates pods.
pod_spec(object) := object.spec if object.kind == "Pod"

pod_spec(object) := object.spec.template.spec if object.spec.template.spec

containers(object) := [c |
	spec := pod_spec(object)
	some field in ["containers", "initContainers", "ephemeralContainers"]
	some c in object.get(spec, field, [])
]

# An image without a tag or digest, or with `:latest`, floats.
floating_tag(image) if not contains(image, ":")

floating_tag(image) if endswith(image, ":latest")
