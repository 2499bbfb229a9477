package gavel.workload_security.k8s_image_tag_pinned_test

import rego.v1

import data.gavel.workload_security.k8s_image_tag_pinned as policy

pod(image) := {"kind": "Pod", "name": "nginx", "namespace": null, "attributes": {"kind": "Pod", "spec": {"containers": [{"name": "nginx", "image": image}]}}}

test_untagged_denied if {
	[d.msg | some d in policy.deny] == ["Pod/nginx: spec.containers[nginx].image is nginx; set spec.containers[nginx].image to a version tag or a digest (@sha256:...)"] with input as {"resource": pod("nginx")}
}

test_latest_denied if {
	count(policy.deny) == 1 with input as {"resource": pod("nvcr.io/nvidia/tritonserver:latest")}
}

test_version_and_digest_allowed if {
	count(policy.deny) == 0 with input as {"resource": pod("nginx:1.27.2")}
	count(policy.deny) == 0 with input as {"resource": pod("ghcr.io/org/app@sha256:0123456789abcdef")}
}
