# METADATA
# title: GPU workloads on personal data run only in the EEA
# description: >-
#   Training and inference on personal data move that data onto the accelerator's host: a GPU
#   workload classified personal (Kubernetes workloads requesting or selecting GPUs, GPU
#   instances and node pools tagged personal) must be pinned to EEA regions. Unlike storage, no
#   adequacy decision is accepted here: processing stays in the EEA. An unpinned workload, or an
#   unknown region, is a finding.
# custom:
#   id: gpu_personal_data_in_eea
#   version: 1.0.0
#   severity: critical
#   controls: [GVL-ACC-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 44"}
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SA-9(5)"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
#     google_container_node_pool, google_compute_instance, aws_instance, aws_eks_node_group,
#     azurerm_kubernetes_cluster_node_pool, azurerm_linux_virtual_machine]
#   remediation: |
#     Pin the workload to EEA GPU nodes:
#       nodeSelector:
#         topology.kubernetes.io/region: europe-west4
#         cloud.google.com/gke-accelerator: nvidia-l4
#     or create the GPU node pool / instance in an EEA region (location = "europe-west4").
package gavel.accelerator_placement.gpu_personal_data_in_eea

import rego.v1

import data.gavel.lib.accelerators
import data.gavel.lib.classification
import data.gavel.lib.k8s
import data.gavel.lib.k8s.input_uses_gpu
import data.gavel.lib.regions
import data.gavel.lib.terraform

expected := "an EEA region (e.g. europe-west4, eu-central-1, westeurope)"

kubernetes if k8s.workload_kind(input.resource.kind)

gpu_workload if {
	kubernetes
	input_uses_gpu
}

gpu_workload if {
	not kubernetes
	accelerators.gpu_terraform_resource(input.resource)
}

subject := k8s.display(input.resource) if kubernetes

subject := terraform.address(input.resource) if not kubernetes

field := "nodeSelector[topology.kubernetes.io/region]" if kubernetes

field := "location" if not kubernetes

# Where the workload may run: pinned node locations (Kubernetes) or the resource's location.
locations := k8s.locations(input.resource.attributes) | {input.resource.region | is_string(input.resource.region)} if {
	kubernetes
} else := {l | l := regions.resource_location(input.resource); is_string(l)}

personal if classification.is_personal(input.resource)

deny contains {
	"msg": sprintf("%s: GPU workload on personal data may run in %q, outside the EEA; set %s to %s", [subject, location, field, expected]),
	"details": {"field": field, "actual": location, "expected": expected},
} if {
	personal
	gpu_workload
	some location in locations
	not regions.in_eea(location)
}

deny contains {
	"msg": sprintf("%s: GPU workload on personal data is not pinned to a region; set %s to %s", [subject, field, expected]),
	"details": {"field": field, "actual": null, "expected": expected},
} if {
	personal
	gpu_workload
	count(locations) == 0
}
