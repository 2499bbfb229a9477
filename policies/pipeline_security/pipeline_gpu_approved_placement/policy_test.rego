package gavel.pipeline_security.pipeline_gpu_approved_placement_test

import rego.v1

import data.gavel.pipeline_security.pipeline_gpu_approved_placement as policy

params := {"approved_gpu_regions": ["europe-west4"], "approved_node_pools": [], "region_label_keys": ["topology.kubernetes.io/region"], "zone_label_keys": ["topology.kubernetes.io/zone"], "node_pool_label_keys": ["cloud.google.com/gke-nodepool"], "accelerator_label_keys": ["cloud.google.com/gke-accelerator"], "instance_type_label_keys": []}

catalog := {"kubernetes": {"gpu_resources": ["nvidia.com/gpu"]}, "gcp": {"accelerator_types": ["nvidia-l4"]}}

kfp(selector, accelerator) := {"kind": "kfp_task", "name": "finetune/train", "attributes": {"node_selector": selector, "accelerator": accelerator, "container": {}}}

argo(selector, gpus) := {"kind": "argo_template", "name": "train-gpu/train", "attributes": {"node_selector": selector, "containers": [{"field": "container", "container": {"name": "main", "resources": {"limits": {"nvidia.com/gpu": gpus}}}}]}}

test_unpinned_kfp_gpu_task_denied if {
	some d in policy.deny with input as {"resource": kfp({}, {"type": "NVIDIA_L4", "count": 1})} with data.gavel.data.placement as params with data.gavel.data.accelerators as catalog
	contains(d.msg, "kfp_task finetune/train: GPU task is not pinned")
}

test_approved_region_allowed if {
	count(policy.deny) == 0 with input as {"resource": kfp({"topology.kubernetes.io/region": "europe-west4"}, {"type": "nvidia.com/gpu", "count": 2})} with data.gavel.data.placement as params with data.gavel.data.accelerators as catalog
	count(policy.deny) == 0 with input as {"resource": argo({"topology.kubernetes.io/zone": "europe-west4-a"}, "1")} with data.gavel.data.placement as params with data.gavel.data.accelerators as catalog
}

test_unapproved_region_denied if {
	[d.details.actual | some d in policy.deny] == ["us-central1"] with input as {"resource": argo({"topology.kubernetes.io/region": "us-central1"}, "1")} with data.gavel.data.placement as params with data.gavel.data.accelerators as catalog
}

test_cpu_task_not_judged if {
	count(policy.deny) == 0 with input as {"resource": argo({}, "0")} with data.gavel.data.placement as params with data.gavel.data.accelerators as catalog
	count(policy.deny) == 0 with input as {"resource": kfp({}, null)} with data.gavel.data.placement as params with data.gavel.data.accelerators as catalog
}

test_gpu_by_accelerator_label_only if {
	count(policy.deny) == 1 with input as {"resource": kfp({"cloud.google.com/gke-accelerator": "nvidia-tesla-p4"}, null)} with data.gavel.data.placement as params with data.gavel.data.accelerators as catalog
}

test_approved_node_pool_pins if {
	p := object.union(params, {"approved_node_pools": ["gpu-l4-eu"]})
	count(policy.deny) == 0 with input as {"resource": argo({"cloud.google.com/gke-nodepool": "gpu-l4-eu"}, "1")} with data.gavel.data.placement as p with data.gavel.data.accelerators as catalog
	{d.details.actual | some d in policy.deny} == {"gpu-a100-us", null} with input as {"resource": argo({"cloud.google.com/gke-nodepool": "gpu-a100-us"}, "1")} with data.gavel.data.placement as p with data.gavel.data.accelerators as catalog
}
