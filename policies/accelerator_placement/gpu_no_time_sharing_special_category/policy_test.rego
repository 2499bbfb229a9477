package gavel.accelerator_placement.gpu_no_time_sharing_special_category_test

import rego.v1

import data.gavel.accelerator_placement.gpu_no_time_sharing_special_category as policy

pod(selector, limits, classification) := {"kind": "Pod", "name": "scan-reader", "namespace": "radiology", "classification": classification,
	"attributes": {"kind": "Pod", "spec": {"nodeSelector": selector, "containers": [{"name": "model", "resources": {"limits": limits}}]}}}

test_time_sharing_label_denied if {
	some d in policy.deny with input as {"resource": pod({"cloud.google.com/gke-gpu-sharing-strategy": "time-sharing"}, {"nvidia.com/gpu": 1}, "special-category")}
	d.details.field == "nodeSelector[cloud.google.com/gke-gpu-sharing-strategy]"
	startswith(d.msg, "Pod/radiology/scan-reader: special-category data on a time-shared GPU")
}

test_mps_strategy_denied if {
	count(policy.deny) == 1 with input as {"resource": pod({"nvidia.com/gpu.sharing-strategy": "MPS"}, {"nvidia.com/gpu": 1}, "special-category")}
}

test_max_clients_denied if {
	count(policy.deny) == 1 with input as {"resource": pod({"cloud.google.com/gke-max-shared-clients-per-gpu": "4"}, {"nvidia.com/gpu": 1}, "special-category")}
	count(policy.deny) == 0 with input as {"resource": pod({"cloud.google.com/gke-max-shared-clients-per-gpu": "1"}, {"nvidia.com/gpu": 1}, "special-category")}
}

test_shared_replica_resource_denied if {
	[d.details.field | some d in policy.deny] == ["resources.limits[nvidia.com/gpu.shared]"] with input as {"resource": pod({}, {"nvidia.com/gpu.shared": 1}, "special-category")}
}

test_dedicated_and_mig_allowed if {
	count(policy.deny) == 0 with input as {"resource": pod({"cloud.google.com/gke-accelerator": "nvidia-l4"}, {"nvidia.com/gpu": 1}, "special-category")}
	count(policy.deny) == 0 with input as {"resource": pod({}, {"nvidia.com/mig-1g.10gb": 1}, "special-category")}
}

test_ordinary_personal_data_may_share if {
	count(policy.deny) == 0 with input as {"resource": pod({"cloud.google.com/gke-gpu-sharing-strategy": "time-sharing"}, {"nvidia.com/gpu": 1}, "personal")}
}

test_gke_node_pool_sharing_config if {
	pool := {"id": "terraform:google_container_node_pool.radiology", "kind": "google_container_node_pool", "name": "radiology", "attributes": {"node_config": [{
		"labels": {"data-classification": "special-category"},
		"guest_accelerator": [{"type": "nvidia-l4", "count": 1, "gpu_sharing_config": [{"gpu_sharing_strategy": "TIME_SHARING", "max_shared_clients_per_gpu": 4}]}],
	}]}}
	[d.details.actual | some d in policy.deny] == ["TIME_SHARING"] with input as {"resource": pool}
}
