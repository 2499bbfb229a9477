# METADATA
# title: Workloads pull images only from approved registries
# description: >-
#   Every container image, init and ephemeral containers included, comes from a registry (or
#   registry path) listed in approved_registries (data/workload_security.yaml): where images are
#   scanned, signed and kept. A reference without a registry host is a Docker Hub image.
# custom:
#   id: k8s_approved_registries
#   version: 1.0.0
#   severity: high
#   controls: [GVL-WLS-03]
#   regulations:
#     - {framework: EU-AI-ACT, article: "Art. 15(5)"}
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "CM-7(5)"}
#     - {framework: NIST-800-53, article: "SR-3"}
#     - {framework: ISO-27001, article: "A.8.19"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     Push the image to your registry (or a pull-through mirror) and reference it there:
#       containers:
#         - name: serve
#           image: europe-docker.pkg.dev/ml-prod/serving/vllm-openai:v0.11.0
#     or add the registry to approved_registries in your own data file (--data).
package gavel.workload_security.k8s_approved_registries

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.images
import data.gavel.lib.k8s
import data.gavel.lib.pod_security

approved := object.get(checks.parameters("workload_security"), "approved_registries", [])

workload := input.resource.attributes

deny contains checks.finding(k8s.display(input.resource), pod_security.container_field(workload, entry, "image"), image, sprintf("an image from one of %v", [approved])) if {
	some entry in k8s.containers(workload)
	image := object.get(entry.container, "image", null)
	not approved_image(image)
}

# One built-in call instead of a loop over the registries: each iteration costs the runtime
# more than the comparison.
approved_image(image) if {
	is_string(image)
	strings.any_prefix_match(images.full_reference(image), approved)
}
