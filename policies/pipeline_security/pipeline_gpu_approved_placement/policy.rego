# METADATA
# title: Pipeline tasks that use GPUs run only on approved node pools and regions
# description: >-
#   A Kubeflow task or an Argo step that asks for GPUs (a GPU accelerator, a GPU resource limit,
#   or GPU node labels) is pinned by its node selector to regions in approved_gpu_regions or to
#   node pools in approved_node_pools (data/placement.yaml), as Kubernetes GPU workloads are. A
#   pipeline pod lands wherever the cluster has a free GPU unless its task pins it.
# custom:
#   id: pipeline_gpu_approved_placement
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-ACC-01]
#   regulations:
#     - {framework: NIST-800-53, article: "SA-9(5)"}
#     - {framework: NIST-800-53, article: "CM-7"}
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#   resource_kinds: [kfp_task, argo_template]
#   remediation: |
#     Kubeflow (kfp-kubernetes):
#       kubernetes.add_node_selector(train_task, "topology.kubernetes.io/region", "europe-west4")
#       kubernetes.add_node_selector(train_task, "cloud.google.com/gke-nodepool", "gpu-l4-eu")
#     Argo, on the template or the workflow spec:
#       nodeSelector:
#         topology.kubernetes.io/region: europe-west4   # in approved_gpu_regions
#         cloud.google.com/gke-nodepool: gpu-l4-eu      # in approved_node_pools, if set
package gavel.pipeline_security.pipeline_gpu_approved_placement

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.pipelines
import data.gavel.lib.regions

placement := checks.parameters("placement")

approved_regions := object.get(placement, "approved_gpu_regions", [])

approved_pools := object.get(placement, "approved_node_pools", [])

locations := pipelines.locations(input.resource)

pools := pipelines.node_pools(input.resource)

uses_gpu if pipelines.uses_gpu(input.resource)

region_field := "node_selector[topology.kubernetes.io/region]"

deny contains {
	"msg": sprintf("%s: GPU task pinned to %q, which is not an approved GPU region; set %s to one of %v", [pipelines.display(input.resource), location, region_field, approved_regions]),
	"details": {"field": region_field, "actual": location, "expected": approved_regions},
} if {
	uses_gpu
	some location in locations
	not regions.listed(location, approved_regions)
}

deny contains {
	"msg": sprintf("%s: GPU task selects node pool %q, which is not approved; select one of %v", [pipelines.display(input.resource), pool, approved_pools]),
	"details": {"field": "node_selector[node pool label]", "actual": pool, "expected": approved_pools},
} if {
	uses_gpu
	count(approved_pools) > 0
	some pool in pools
	not pool in approved_pools
}

deny contains {
	"msg": sprintf("%s: GPU task is not pinned to an approved region or node pool; set %s to one of %v", [pipelines.display(input.resource), region_field, approved_regions]),
	"details": {"field": region_field, "actual": null, "expected": approved_regions},
} if {
	uses_gpu
	count(locations) == 0
	not pinned_to_approved_pool
}

pinned_to_approved_pool if {
	count(approved_pools) > 0
	count(pools) > 0
	every pool in pools {
		pool in approved_pools
	}
}
