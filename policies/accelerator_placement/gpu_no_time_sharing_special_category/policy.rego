# METADATA
# title: No time-shared GPUs for special-category data
# description: >-
#   Time-slicing and MPS let several workloads share one GPU's memory and compute without
#   hardware isolation, so data of one tenant can leak to another through the device. Workloads
#   on special categories of personal data (GDPR Art. 9: health, biometric, genetic, ...) must
#   not run on time-shared GPUs: not on nodes selected by a sharing-strategy label, not with
#   more than one client per GPU, not requesting shared GPU replicas; and GKE node pools for
#   such data do not enable gpu_sharing_config with TIME_SHARING or MPS. MIG partitions, which
#   are hardware-isolated, are allowed.
# custom:
#   id: gpu_no_time_sharing_special_category
#   version: 1.0.0
#   severity: high
#   controls: [GVL-ACC-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 9"}
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SC-4"}
#     - {framework: NIST-800-53, article: "SC-39"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
#     google_container_node_pool]
#   remediation: |
#     Give the workload whole (or MIG-partitioned) GPUs on a dedicated pool:
#       nodeSelector:
#         cloud.google.com/gke-accelerator: nvidia-a100-80gb
#         cloud.google.com/gke-gpu-partition-size: 1g.10gb    # MIG, hardware-isolated
#     and remove cloud.google.com/gke-gpu-sharing-strategy / nvidia.com/gpu.shared; in Terraform
#     drop gpu_sharing_config from the node pool's guest_accelerator.
package gavel.accelerator_placement.gpu_no_time_sharing_special_category

import rego.v1

import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.classification
import data.gavel.lib.k8s
import data.gavel.lib.terraform

sharing := object.get(checks_documents, ["placement", "time_shared_gpu"], {})

workload := input.resource.attributes

# [field, actual] for each way a Kubernetes workload lands on a time-shared GPU.
time_shared contains [sprintf("nodeSelector[%s]", [key]), value] if {
	some key in object.get(sharing, "label_keys", [])
	some value in k8s.node_label_values(workload, key)
	lower(value) in object.get(sharing, "strategies", [])
}

time_shared contains [sprintf("nodeSelector[%s]", [key]), value] if {
	some key in object.get(sharing, "max_clients_label_keys", [])
	some value in k8s.node_label_values(workload, key)
	to_number(value) > 1
}

time_shared contains [sprintf("resources.limits[%s]", [request.resource]), request.quantity] if {
	some request in k8s.gpu_requests(workload)
	request.resource in object.get(sharing, "resource_names", [])
}

time_shared contains ["node_config.guest_accelerator.gpu_sharing_config.gpu_sharing_strategy", strategy] if {
	input.resource.kind == "google_container_node_pool"
	some config in terraform.nested(workload, ["node_config", "guest_accelerator", "gpu_sharing_config"])
	strategy := config.gpu_sharing_strategy
	strategy in object.get(sharing, "terraform_strategies", [])
}

special_category if classification.is_special_category(input.resource)

# A node pool's own node labels say which data it is for.
special_category if {
	input.resource.kind == "google_container_node_pool"
	some config in terraform.blocks(workload, "node_config")
	classification.is_special_category({"labels": object.get(config, "labels", {})})
}

subject := terraform.address(input.resource) if {
	input.resource.kind == "google_container_node_pool"
} else := k8s.display(input.resource)

deny contains {
	"msg": sprintf("%s: special-category data on a time-shared GPU (%s is %v); use whole or MIG-partitioned GPUs and remove %s", [subject, field, actual, field]),
	"details": {"field": field, "actual": actual, "expected": "a dedicated or MIG-partitioned GPU"},
} if {
	special_category
	some [field, actual] in time_shared
}
