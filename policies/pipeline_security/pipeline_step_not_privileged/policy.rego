# METADATA
# title: Pipeline steps do not run privileged or with host access
# description: >-
#   An Argo step's containers (main, init, sidecars) are not privileged and do not allow
#   privilege escalation, and the step's pod does not share the node's network, PID or IPC
#   namespace. A privileged pipeline step owns the node its GPU sits on, and every other
#   tenant's data with it. Kubeflow tasks cannot ask for privilege (the platform spec has no
#   such field), so only Argo steps are judged.
# custom:
#   id: pipeline_step_not_privileged
#   version: 1.0.0
#   severity: high
#   controls: [GVL-WRK-01]
#   regulations:
#     - {framework: NIST-800-53, article: "AC-6"}
#     - {framework: NIST-800-53, article: "CM-7"}
#     - {framework: ISO-27001, article: "A.8.9"}
#   resource_kinds: [argo_template]
#   remediation: |
#     templates:
#     - name: train
#       container:
#         securityContext:
#           privileged: false
#           allowPrivilegeEscalation: false
#       # and no hostNetwork / hostPID / hostIPC on the template or the workflow spec
package gavel.pipeline_security.pipeline_step_not_privileged

import rego.v1

import data.gavel.lib.pipelines

deny contains {
	"msg": sprintf("%s: container %q sets securityContext.%s: true; set it to false", [pipelines.display(input.resource), entry.container.name, key]),
	"details": {"field": sprintf("%s[%s].securityContext.%s", [entry.field, entry.container.name, key]), "actual": true, "expected": false},
} if {
	some entry in pipelines.containers(input.resource)
	some key in ["privileged", "allowPrivilegeEscalation"]
	entry.container.securityContext[key] == true
}

deny contains {
	"msg": sprintf("%s: the step's pod sets %s: true and shares the node's namespace; remove it", [pipelines.display(input.resource), key]),
	"details": {"field": key, "actual": true, "expected": false},
} if {
	some key in ["hostNetwork", "hostPID", "hostIPC"]
	host_setting(key) == true
}

host_setting(key) := input.resource.attributes.template[key] if {
	input.resource.attributes.template[key] != null
} else := true if {
	key == "hostNetwork"
	input.resource.attributes.host_network == true
}
