# METADATA
# title: Kubernetes GPU workloads run only on approved node pools and regions
# description: >-
#   A workload that requests GPUs (or selects GPU nodes) is pinned, by nodeSelector or required
#   node affinity, to regions in approved_gpu_regions or to node pools in approved_node_pools
#   (data/placement.yaml). An unpinned GPU workload can land on any GPU node of the cluster.
# custom:
#   id: k8s_gpu_approved_placement
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-ACC-01]
#   regulations:
#     - {framework: NIST-800-53, article: "SA-9(5)"}
#     - {framework: NIST-800-53, article: "CM-7"}
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     spec:
#       template:
#         spec:
#           nodeSelector:
#             topology.kubernetes.io/region: europe-west4     # in approved_gpu_regions
#             cloud.google.com/gke-nodepool: gpu-l4-eu          # in approved_node_pools, if set
package gavel.accelerator_placement.k8s_gpu_approved_placement

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.k8s
import data.gavel.lib.k8s.input_uses_gpu as uses_gpu
import data.gavel.lib.regions

placement := checks.parameters("placement")

approved_regions := object.get(placement, "approved_gpu_regions", [])

approved_pools := object.get(placement, "approved_node_pools", [])

workload := input.resource.attributes

locations := k8s.locations(workload)

pools := k8s.node_pools(workload)

region_field := "nodeSelector[topology.kubernetes.io/region]"

deny contains {
	"msg": sprintf("%s: GPU workload pinned to %q, which is not an approved GPU region; set %s to one of %v", [k8s.display(input.resource), location, region_field, approved_regions]),
	"details": {"field": region_field, "actual": location, "expected": approved_regions},
} if {
	uses_gpu
	some location in locations
	not regions.listed(location, approved_regions)
}

deny contains {
	"msg": sprintf("%s: GPU workload selects node pool %q, which is not approved; select one of %v", [k8s.display(input.resource), pool, approved_pools]),
	"details": {"field": "nodeSelector[node pool label]", "actual": pool, "expected": approved_pools},
} if {
	uses_gpu
	count(approved_pools) > 0
	some pool in pools
	not pool in approved_pools
}

deny contains {
	"msg": sprintf("%s: GPU workload is not pinned to an approved region or node pool; set %s to one of %v", [k8s.display(input.resource), region_field, approved_regions]),
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
