package gavel.accelerator_placement.gpu_personal_data_in_eea_test

import rego.v1

import data.gavel.accelerator_placement.gpu_personal_data_in_eea as policy

deployment(selector, classification) := {"kind": "Deployment", "name": "triton", "namespace": "ml", "region": null, "classification": classification,
	"attributes": {"kind": "Deployment", "spec": {"template": {"spec": {
		"nodeSelector": selector,
		"containers": [{"name": "server", "resources": {"limits": {"nvidia.com/gpu": 1}}}],
	}}}}}

test_personal_gpu_in_us_denied if {
	some d in policy.deny with input as {"resource": deployment({"topology.kubernetes.io/region": "us-central1"}, "personal")}
	d.msg == `Deployment/ml/triton: GPU workload on personal data may run in "us-central1", outside the EEA; set nodeSelector[topology.kubernetes.io/region] to an EEA region (e.g. europe-west4, eu-central-1, westeurope)`
}

test_personal_gpu_in_eea_allowed if {
	count(policy.deny) == 0 with input as {"resource": deployment({"topology.kubernetes.io/zone": "europe-west4-a"}, "personal")}
}

test_adequacy_is_not_enough_for_gpu_processing if {
	count(policy.deny) == 1 with input as {"resource": deployment({"topology.kubernetes.io/region": "europe-west2"}, "personal")}
}

test_unpinned_personal_gpu_denied if {
	some d in policy.deny with input as {"resource": deployment({}, "special-category")}
	d.details.actual == null
}

test_cluster_region_from_adapter_counts if {
	r := object.union(deployment({}, "personal"), {"region": "europe-west1"})
	count(policy.deny) == 0 with input as {"resource": r}
}

test_non_personal_gpu_not_judged if {
	count(policy.deny) == 0 with input as {"resource": deployment({}, "internal")}
}

test_terraform_gpu_node_pool if {
	pool := {"id": "terraform:google_container_node_pool.gpu", "kind": "google_container_node_pool", "name": "gpu", "classification": "personal", "region": null,
		"attributes": {"location": "us-east4", "node_config": [{"machine_type": "g2-standard-8"}]}}
	count(policy.deny) == 1 with input as {"resource": pool}
	count(policy.deny) == 0 with input as {"resource": object.union(pool, {"attributes": {"location": "europe-west4"}})}
}
