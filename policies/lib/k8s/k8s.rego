# Reading Kubernetes workloads: the pod spec of any workload kind, its containers, the GPUs
# they request and the node labels the pod is pinned to (nodeSelector and required node
# affinity), so policies ask "which regions / node pools / GPU models can this run on?".
#
# What several workload policies ask about the workload judged (`input_uses_gpu`) is a rule
# here, settled once per evaluation, where a function is evaluated again at every call. Import
# such a rule by its own path (`import data.gavel.lib.k8s.input_uses_gpu`): a reference through
# the package (`k8s.input_uses_gpu`) makes the runtime evaluate every rule of the package.
package gavel.lib.k8s

import rego.v1

import data.gavel.lib.accelerators
import data.gavel.lib.checks
import data.gavel.lib.checks.documents as checks_documents

template_kinds := {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"}

accelerator_catalog := object.get(checks_documents, ["accelerators", "kubernetes"], {})

placement := checks.parameters("placement")

# `Deployment/ml/train`, for messages.
# Every finding of every workload policy names the workload judged: `input_display`, settled once.
display(resource) := input_display if {
	resource == input.resource
} else := display_of(resource)

input_display := display_of(input.resource)

display_of(resource) := sprintf("%s/%s/%s", [resource.kind, resource.namespace, resource.name]) if {
	is_string(resource.namespace)
} else := sprintf("%s/%s", [resource.kind, resource.name])

# The pod spec of a Pod, a CronJob (through its jobTemplate) or a templated workload.
pod_spec(object) := object.spec if {
	object.kind == "Pod"
} else := object.spec.jobTemplate.spec.template.spec if {
	object.kind == "CronJob"
} else := object.spec.template.spec if {
	object.kind in template_kinds
}

is_workload(object) if pod_spec(object)

# Every container with the field holding it: containers, initContainers, ephemeralContainers.
# Several policies ask it of the workload judged: that answer is `input_containers`, settled once
# per evaluation (a function is evaluated again at every call, a rule of this package is not).
containers(object) := input_containers if {
	object == input.resource.attributes
} else := containers_of(object)

containers_of(object) := [{"field": field, "container": c} |
	spec := pod_spec(object)
	some field in ["containers", "initContainers", "ephemeralContainers"]
	some c in object.get(spec, field, [])
]

gpu_resource(name) if name in object.get(accelerator_catalog, "gpu_resources", [])

gpu_resource(name) if strings.any_prefix_match(name, object.get(accelerator_catalog, "gpu_resource_prefixes", []))

# {container, resource, quantity} for every GPU a container requests or limits (quantity > 0).
gpu_requests(object) := requests_of(containers(object))

# The GPU requests of container entries (as `containers` lists them).
requests_of(entries) := {{"container": entry.container.name, "resource": name, "quantity": quantity} |
	some entry in entries
	some section in ["limits", "requests"]
	some name, value in object.get(entry.container, ["resources", section], {})
	gpu_resource(name)
	quantity := to_number(value)
	quantity > 0
}

requests_gpu(object) if count(gpu_requests(object)) > 0

# Every value a required node label may take: nodeSelector, plus `In` expressions of required
# node affinity terms (terms are alternatives, so any of their values is possible).
node_label_values(object, key) := node_label_values_any(object, [key])

# Values of any of several node label keys, reading the pod spec once (none for non-workloads).
node_label_values_any(object, keys) := selector_values(spec, keys) if {
	spec := pod_spec(object)
} else := set()

selector_values(spec, keys) := {v |
	some key in keys
	v := spec.nodeSelector[key]
} | {v |
	some term in object.get(spec, ["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"], [])
	some expression in object.get(term, "matchExpressions", [])
	expression.key in keys
	expression.operator == "In"
	some v in expression.values
}

# Region and zone names the pod is pinned to (zones map to regions in gavel.lib.regions); for
# the workload judged, `input_locations`, settled once for the policies that ask.
locations(object) := input_locations if {
	object == input.resource.attributes
} else := node_label_values_any(object, location_label_keys)

location_label_keys := array.concat(
	object.get(placement, "region_label_keys", []),
	object.get(placement, "zone_label_keys", []),
)

node_pools(object) := input_node_pools if {
	object == input.resource.attributes
} else := node_label_values_any(object, node_pool_label_keys)

node_pool_label_keys := object.get(placement, "node_pool_label_keys", [])

instance_types(object) := node_label_values_any(object, object.get(placement, "instance_type_label_keys", []))

accelerator_models(object) := node_label_values_any(object, object.get(placement, "accelerator_label_keys", []))

# A workload that asks for GPUs: requests a GPU resource, or selects GPU nodes by accelerator
# label or GPU instance type. An else chain, so the first way found settles it.
uses_gpu(object) := uses_gpu_with(object, containers(object))

# `uses_gpu` of a workload whose container entries are already read.
uses_gpu_with(object, entries) := true if {
	count(requests_of(entries)) > 0
} else := true if {
	count(accelerator_models(object)) > 0
} else := true if {
	some instance_type in instance_types(object)
	accelerators.gpu_machine_type(instance_type)
}

# Whether `kind` is a Kubernetes workload kind `pod_spec` reads.
workload_kind(kind) if kind in template_kinds

workload_kind(kind) if kind in {"Pod", "CronJob"}

# Whether the workload judged (`input.resource`) uses GPUs (`uses_gpu`), settled once.
input_uses_gpu if uses_gpu_with(input.resource.attributes, input_containers)

# The containers, locations and node pools of the workload judged (`input.resource`): the
# functions answer from these rules when asked about it, so policies keep calling the functions
# (importing a rule costs every policy a walk over the modules; a call through the package does not).
input_containers := containers_of(input.resource.attributes)

input_locations := node_label_values_any(input.resource.attributes, location_label_keys)

input_node_pools := node_label_values_any(input.resource.attributes, node_pool_label_keys)
