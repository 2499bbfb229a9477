# METADATA
# title: Container images are pinned to a version, not latest
# description: >-
#   Every container image names a digest or a tag other than latest (a reference without a tag
#   pulls latest): the image that was reviewed, scanned and validated is the one that runs, and
#   a model server or pipeline step can be traced back to the exact build that produced a
#   decision.
# custom:
#   id: k8s_image_tag_pinned
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-WLS-03]
#   regulations:
#     - {framework: EU-AI-ACT, article: "Art. 12(2)"}
#     - {framework: SEC, article: "Rule 17a-4(f)(2)(i)(A)"}
#     - {framework: NIST-800-53, article: "CM-2"}
#     - {framework: NIST-800-53, article: "CM-14"}
#     - {framework: ISO-27001, article: "A.8.32"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     containers:
#       - name: serve
#         image: nvcr.io/nvidia/tritonserver:24.01-py3@sha256:<digest>
package gavel.workload_security.k8s_image_tag_pinned

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.images
import data.gavel.lib.k8s
import data.gavel.lib.pod_security

workload := input.resource.attributes

deny contains checks.finding(k8s.display(input.resource), pod_security.container_field(workload, entry, "image"), image, "a version tag or a digest (@sha256:...)") if {
	some entry in k8s.containers(workload)
	image := entry.container.image
	is_string(image)
	images.tag(image) == "latest"
}
