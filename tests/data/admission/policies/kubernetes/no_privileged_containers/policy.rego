# METADATA
# title: Containers do not run privileged
# custom:
#   id: no_privileged_containers
#   severity: high
#   regulations:
#     - {framework: CIS, article: "5.2.2"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     Set securityContext.privileged: false (or remove it) on every container.
package gavel.kubernetes.no_privileged_containers

import rego.v1

pod_spec := input.resource.attributes.spec if input.resource.kind == "Pod"

pod_spec := input.resource.attributes.spec.jobTemplate.spec.template.spec if input.resource.kind == "CronJob"

pod_spec := input.resource.attributes.spec.template.spec if {
	not input.resource.kind in {"Pod", "CronJob"}
}

deny contains {"msg": msg, "details": {"field": field, "expected": "false"}} if {
	some group in ["containers", "initContainers", "ephemeralContainers"]
	some index, container in pod_spec[group]
	container.securityContext.privileged == true
	field := sprintf("%s[%d].securityContext.privileged", [group, index])
	msg := sprintf("%s %s: container %q runs privileged (%s)", [input.resource.kind, input.resource.name, container.name, field])
}
