# GPU and ML accelerator recognition for cloud instance types and Terraform blocks, from
# data.gavel.data.accelerators (DESIGN.md section 3).
package gavel.lib.accelerators

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

catalog := checks.parameters("accelerators")

# AWS EC2 and SageMaker types: p4d.24xlarge, ml.g5.xlarge.
aws_gpu_instance_type(instance_type) if {
	is_string(instance_type)
	family := split(trim_prefix(lower(instance_type), "ml."), ".")[0]
	family in object.get(catalog, ["aws", "instance_families"], [])
}

# GCP machine types with built-in GPUs: a2-highgpu-1g, g2-standard-8, a3-megagpu-8g.
gcp_gpu_machine_type(machine_type) if {
	is_string(machine_type)
	segments := split(lower(machine_type), "/")
	family := split(segments[count(segments) - 1], "-")[0]
	family in object.get(catalog, ["gcp", "machine_families"], [])
}

# Azure VM sizes of the NC, ND, NG and NV series: Standard_NC24ads_A100_v4.
azure_gpu_vm_size(vm_size) if {
	is_string(vm_size)
	series := regex.find_n(`^[a-z]+`, trim_prefix(lower(vm_size), "standard_"), 1)[0]
	series in object.get(catalog, ["azure", "vm_series"], [])
}

# A machine/instance/VM type of any of the three clouds that carries a GPU.
gpu_machine_type(value) if aws_gpu_instance_type(value)

gpu_machine_type(value) if gcp_gpu_machine_type(value)

gpu_machine_type(value) if azure_gpu_vm_size(value)

# A GCP accelerator type name (guest_accelerator.type, the gke-accelerator node label); a full
# resource URL ending in the name also matches.
gpu_accelerator_type(value) if {
	is_string(value)
	parts := split(lower(value), "/")
	parts[count(parts) - 1] in object.get(catalog, ["gcp", "accelerator_types"], [])
}

gpu_accelerator_type(value) if {
	is_string(value)
	startswith(lower(value), "nvidia-")
}

# guest_accelerator blocks with a positive count, on an instance or in a node pool's node_config.
guest_accelerators(attributes) := [g |
	some holder in array.concat([attributes], terraform.blocks(attributes, "node_config"))
	some g in terraform.blocks(holder, "guest_accelerator")
	object.get(g, "count", 1) != 0
]

# Attributes naming a machine type, per Terraform resource kind shape.
machine_type_values(attributes) := {t |
	some key in ["machine_type", "instance_type", "vm_size", "size"]
	t := attributes[key]
} | {t |
	some config in terraform.blocks(attributes, "node_config")
	t := config.machine_type
} | {t |
	some t in object.get(attributes, "instance_types", [])
} | inventory_machine_types(attributes)

# Machine types as cloud inventories record them: an EC2 instance, a SageMaker training job or
# endpoint config (AWS Config items), a Compute Engine instance (asset), an Azure VM (row).
inventory_machine_types(attributes) := {t |
	some path in [
		["configuration", "instanceType"],
		["configuration", "ResourceConfig", "InstanceType"],
		["resource", "data", "machineType"],
		["properties", "hardwareProfile", "vmSize"],
	]
	t := object.get(attributes, path, null)
	is_string(t)
} | {t |
	some variant in object.get(attributes, ["configuration", "ProductionVariants"], [])
	t := variant.InstanceType
}

# A Terraform resource that provisions GPUs: guest accelerators or a GPU machine type.
gpu_terraform_resource(resource) if count(guest_accelerators(resource.attributes)) > 0

gpu_terraform_resource(resource) if {
	some t in machine_type_values(resource.attributes)
	gpu_machine_type(t)
}
