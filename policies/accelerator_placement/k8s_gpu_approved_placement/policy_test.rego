package gavel.accelerator_placement.k8s_gpu_approved_placement_test

import rego.v1

import data.gavel.accelerator_placement.k8s_gpu_approved_placement as policy

job(selector, gpus) := {"kind": "Job", "name": "finetune", "namespace": "ml", "attributes": {"kind": "Job", "spec": {"template": {"spec": {
	"nodeSelector": selector,
	"containers": [{"name": "train", "resources": {"limits": {"nvidia.com/gpu": gpus}}}],
}}}}}

params := {"approved_gpu_regions": ["europe-west4"], "approved_node_pools": [], "region_label_keys": ["topology.kubernetes.io/region"], "zone_label_keys": ["topology.kubernetes.io/zone"], "node_pool_label_keys": ["cloud.google.com/gke-nodepool"], "accelerator_label_keys": ["cloud.google.com/gke-accelerator"], "instance_type_label_keys": []}

test_unpinned_gpu_job_denied if {
	some d in policy.deny with input as {"resource": job({}, 1)} with data.gavel.data.placement as params
	contains(d.msg, "Job/ml/finetune: GPU workload is not pinned")
}

test_approved_region_allowed if {
	count(policy.deny) == 0 with input as {"resource": job({"topology.kubernetes.io/region": "europe-west4"}, 1)} with data.gavel.data.placement as params
}

test_zone_of_approved_region_allowed if {
	count(policy.deny) == 0 with input as {"resource": job({"topology.kubernetes.io/zone": "europe-west4-b"}, "2")} with data.gavel.data.placement as params
}

test_unapproved_region_denied if {
	[d.details.actual | some d in policy.deny] == ["us-central1"] with input as {"resource": job({"topology.kubernetes.io/region": "us-central1"}, 1)} with data.gavel.data.placement as params
}

test_cpu_job_not_judged if {
	count(policy.deny) == 0 with input as {"resource": job({}, 0)} with data.gavel.data.placement as params
}

test_gpu_by_accelerator_label_only if {
	count(policy.deny) == 1 with input as {"resource": job({"cloud.google.com/gke-accelerator": "nvidia-l4"}, 0)} with data.gavel.data.placement as params
}

test_approved_node_pool_pins if {
	p := object.union(params, {"approved_node_pools": ["gpu-l4-eu"]})
	count(policy.deny) == 0 with input as {"resource": job({"cloud.google.com/gke-nodepool": "gpu-l4-eu"}, 1)} with data.gavel.data.placement as p
	{d.details.actual | some d in policy.deny} == {"gpu-l4-us", null} with input as {"resource": job({"cloud.google.com/gke-nodepool": "gpu-l4-us"}, 1)} with data.gavel.data.placement as p
}
