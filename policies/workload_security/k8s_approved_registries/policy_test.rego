package gavel.workload_security.k8s_approved_registries_test

import rego.v1

import data.gavel.workload_security.k8s_approved_registries as policy

deployment(images) := {"kind": "Deployment", "name": "serve", "namespace": "ml", "attributes": {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": sprintf("c%d", [i]), "image": image} | some i, image in images]}}}}}

test_approved_registry_allowed if {
	count(policy.deny) == 0 with input as {"resource": deployment(["nvcr.io/nvidia/tritonserver:24.01-py3", "registry.k8s.io/pause:3.9"])}
}

test_docker_hub_denied if {
	some d in policy.deny with input as {"resource": deployment(["vllm/vllm-openai:v0.11.0"])}
	d.details.field == "spec.template.spec.containers[c0].image"
	d.details.actual == "vllm/vllm-openai:v0.11.0"
}

test_registry_path_prefix if {
	count(policy.deny) == 1 with input as {"resource": deployment(["nvcr.io/other-org/image:1"])}
}

test_registries_are_a_parameter if {
	count(policy.deny) == 0 with input as {"resource": deployment(["docker.io/vllm/vllm-openai:v0.11.0", "vllm/vllm-openai:v0.11.0"])}
		with data.gavel.data.workload_security.approved_registries as ["docker.io/vllm/"]
}

test_missing_image_denied if {
	count(policy.deny) == 1 with input as {"resource": {"kind": "Pod", "name": "p", "namespace": null, "attributes": {"kind": "Pod", "spec": {"containers": [{"name": "x"}]}}}}
}
