package gavel.lib.images_test

import rego.v1

import data.gavel.lib.images

test_full_reference if {
	images.full_reference("nginx") == "docker.io/library/nginx"
	images.full_reference("vllm/vllm-openai:v0.11.0") == "docker.io/vllm/vllm-openai:v0.11.0"
	images.full_reference("nvcr.io/nvidia/tritonserver:24.01-py3") == "nvcr.io/nvidia/tritonserver:24.01-py3"
	images.full_reference("localhost/train:dev") == "localhost/train:dev"
	images.full_reference("registry.internal:5000/ml/train:1") == "registry.internal:5000/ml/train:1"
}

test_tags if {
	images.tag("nginx") == "latest"
	images.tag("nginx:latest") == "latest"
	images.tag("registry.internal:5000/ml/train") == "latest"
	images.tag("registry.internal:5000/ml/train:1.4") == "1.4"
	not images.tag("ghcr.io/org/app@sha256:0123456789abcdef")
	images.pinned_by_digest("ghcr.io/org/app:1.0@sha256:0123456789abcdef")
}
