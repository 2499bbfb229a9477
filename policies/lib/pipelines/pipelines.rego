# Reading pipeline tasks the same way whatever ran them: Kubeflow `kfp_task` and Argo
# `argo_template` resources (adapters/kubeflow.py, adapters/argo.py). Their containers, the GPUs
# they ask for, the node labels they select and the user they run as, so pipeline_security
# policies state each rule once for both.
package gavel.lib.pipelines

import rego.v1

import data.gavel.lib.accelerators
import data.gavel.lib.checks
import data.gavel.lib.k8s

placement := checks.parameters("placement")

task_kinds := {"kfp_task", "argo_template"}

# `argo_template ml-train/train`, for messages.
display(resource) := sprintf("%s %s", [resource.kind, resource.name])

# Every container with the field holding it. A Kubeflow task runs one executor container.
containers(resource) := resource.attributes.containers if {
	resource.kind == "argo_template"
} else := [{"field": "container", "container": object.union({"name": "main"}, object.get(resource.attributes, "container", {}))}] if {
	resource.kind == "kfp_task"
} else := []

# The pod-level security context: Argo's template/workflow `securityContext`, Kubeflow's
# platform-spec `securityContext`.
pod_security_context(resource) := object.get(resource.attributes, "pod_security_context", {}) if {
	resource.kind == "argo_template"
} else := object.get(resource.attributes, "security_context", {})

# A container's securityContext setting, else the pod's; undefined when neither sets it.
effective(resource, container, key) := value if {
	value := container.securityContext[key]
	value != null
} else := value if {
	value := pod_security_context(resource)[key]
	value != null
}

# A Kubeflow accelerator type that is a GPU: an extended resource name (nvidia.com/gpu) or a
# Vertex/GKE accelerator name in either spelling (NVIDIA_TESLA_T4, nvidia-tesla-t4).
gpu_accelerator(type) if k8s.gpu_resource(type)

gpu_accelerator(type) if {
	is_string(type)
	accelerators.gpu_accelerator_type(replace(lower(type), "_", "-"))
}

# {container, resource, quantity} for every GPU a task asks for; a count left as an unresolved
# pipeline input still asks for a GPU.
gpu_requests(resource) := {{"container": "main", "resource": accelerator.type, "quantity": accelerator.count} |
	resource.kind == "kfp_task"
	accelerator := resource.attributes.accelerator
	gpu_accelerator(accelerator.type)
	not zero(accelerator.count)
} | {{"container": entry.container.name, "resource": name, "quantity": quantity} |
	resource.kind == "argo_template"
	some entry in resource.attributes.containers
	some section in ["limits", "requests"]
	some name, value in object.get(entry.container, ["resources", section], {})
	k8s.gpu_resource(name)
	quantity := to_number(value)
	quantity > 0
}

zero(count) if count == 0

zero(count) if {
	is_string(count)
	regex.match(`^[0-9]+$`, count)
	to_number(count) == 0
}

# Values the task's node selector gives any of `keys` (templates such as `{{inputs...}}` are not
# values yet and are left out).
node_label_values(resource, keys) := {v |
	some key in keys
	v := object.get(resource.attributes, ["node_selector", key], null)
	is_string(v)
	not contains(v, "{{")
}

locations(resource) := node_label_values(resource, array.concat(
	object.get(placement, "region_label_keys", []),
	object.get(placement, "zone_label_keys", []),
))

node_pools(resource) := node_label_values(resource, object.get(placement, "node_pool_label_keys", []))

instance_types(resource) := node_label_values(resource, object.get(placement, "instance_type_label_keys", []))

accelerator_models(resource) := node_label_values(resource, object.get(placement, "accelerator_label_keys", []))

uses_gpu(resource) if count(gpu_requests(resource)) > 0

uses_gpu(resource) if count(accelerator_models(resource)) > 0

uses_gpu(resource) if {
	some instance_type in instance_types(resource)
	accelerators.gpu_machine_type(instance_type)
}
