# METADATA
# title: Container images name a version
# custom:
#   id: image_tag_pinned
#   severity: low
#   regulations:
#     - {framework: NIST-800-53, article: "CM-2"}
#   resource_kinds: [Pod, Deployment, StatefulSet, DaemonSet, Job]
#   remediation: Reference images by a version tag or a digest, e.g. nginx:1.27.2.
package gavel.kubernetes.image_tag_pinned

import rego.v1

pod_spec := input.resource.attributes.spec if input.resource.kind == "Pod"

pod_spec := input.resource.attributes.spec.template.spec if input.resource.kind != "Pod"

unpinned(image) if not contains(image, ":")

unpinned(image) if endswith(image, ":latest")

warn contains {"msg": msg, "details": {"field": "image", "expected": "a version tag or digest"}} if {
	some container in pod_spec.containers
	not contains(container.image, "@")
	unpinned(container.image)
	msg := sprintf("%s %s: image %q of container %q has no version", [input.resource.kind, input.resource.name, container.image, container.name])
}
