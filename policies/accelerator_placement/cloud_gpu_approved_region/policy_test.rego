package gavel.accelerator_placement.cloud_gpu_approved_region_test

import rego.v1

import data.gavel.accelerator_placement.cloud_gpu_approved_region as policy

node_pool(location, accelerators) := {"id": "terraform:google_container_node_pool.gpu", "kind": "google_container_node_pool", "name": "gpu", "region": null,
	"attributes": {"location": location, "node_config": [{"machine_type": "n1-standard-8", "guest_accelerator": accelerators}]}}

t4 := [{"type": "nvidia-tesla-t4", "count": 1}]

test_gpu_pool_in_us_denied if {
	some d in policy.deny with input as {"resource": node_pool("us-central1", t4)}
	d.details.actual == "us-central1"
	startswith(d.msg, "google_container_node_pool.gpu: GPU capacity in us-central1")
}

test_gpu_pool_in_approved_zone_allowed if {
	count(policy.deny) == 0 with input as {"resource": node_pool("europe-west4-a", t4)}
}

test_cpu_pool_not_judged if {
	count(policy.deny) == 0 with input as {"resource": node_pool("us-central1", [])}
}

test_unknown_location_denied if {
	count(policy.deny) == 1 with input as {"resource": node_pool(null, t4)}
}

test_aws_gpu_instance_by_provider_region if {
	instance := {"id": "terraform:aws_instance.train", "kind": "aws_instance", "name": "train", "region": "us-east-1", "attributes": {"instance_type": "p4d.24xlarge"}}
	count(policy.deny) == 1 with input as {"resource": instance}
	count(policy.deny) == 0 with input as {"resource": object.union(instance, {"region": "eu-central-1"})}
	count(policy.deny) == 0 with input as {"resource": object.union(instance, {"attributes": {"instance_type": "m5.large"}})}
}

test_region_list_is_a_parameter if {
	count(policy.deny) == 0 with input as {"resource": node_pool("us-central1", t4)} with data.gavel.data.placement.approved_gpu_regions as ["us-central1"]
}
