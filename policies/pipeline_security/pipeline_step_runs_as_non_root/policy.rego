# METADATA
# title: Pipeline steps run as a non-root user
# description: >-
#   Every container of a Kubeflow task or an Argo step runs as a non-root user: its
#   securityContext (or the pod's) sets runAsNonRoot: true or a non-zero runAsUser, and no level
#   sets runAsUser: 0. An image's default user is often root, so a step that says nothing may
#   run as root. Kubeflow tasks set this in the platform spec (kfp-kubernetes
#   `set_security_context`).
# custom:
#   id: pipeline_step_runs_as_non_root
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-WRK-01]
#   regulations:
#     - {framework: NIST-800-53, article: "AC-6"}
#     - {framework: NIST-800-53, article: "CM-7"}
#     - {framework: ISO-27001, article: "A.8.9"}
#   resource_kinds: [kfp_task, argo_template]
#   remediation: |
#     Argo, on the workflow spec (all steps) or a template:
#       securityContext:
#         runAsNonRoot: true
#         runAsUser: 1000
#     Kubeflow (kfp-kubernetes):
#       kubernetes.set_security_context(task, run_as_user=1000, run_as_non_root=True)
package gavel.pipeline_security.pipeline_step_runs_as_non_root

import rego.v1

import data.gavel.lib.pipelines

deny contains {
	"msg": sprintf("%s: container %q runs as root (runAsUser: 0); set runAsUser to a non-zero id and runAsNonRoot: true", [pipelines.display(input.resource), entry.container.name]),
	"details": {"field": "securityContext.runAsUser", "actual": 0, "expected": "a non-zero user id"},
} if {
	some entry in pipelines.containers(input.resource)
	to_number(pipelines.effective(input.resource, entry.container, "runAsUser")) == 0
}

deny contains {
	"msg": sprintf("%s: container %q may run as root (neither runAsNonRoot: true nor a non-zero runAsUser is set); set runAsNonRoot: true", [pipelines.display(input.resource), entry.container.name]),
	"details": {"field": "securityContext.runAsNonRoot", "actual": null, "expected": true},
} if {
	some entry in pipelines.containers(input.resource)
	not pipelines.effective(input.resource, entry.container, "runAsUser")
	not non_root_declared(entry.container)
}

non_root_declared(container) if pipelines.effective(input.resource, container, "runAsNonRoot") == true
