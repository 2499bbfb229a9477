# METADATA
# title: No privileged containers
# description: >-
#   No container, init container or ephemeral container runs privileged
#   (securityContext.privileged): a privileged container has every capability and the host's
#   devices, so one compromised pipeline step or model server controls the node and every
#   workload and dataset mounted on it.
# custom:
#   id: k8s_privileged_containers
#   version: 1.0.0
#   severity: critical
#   controls: [GVL-WLS-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: EU-AI-ACT, article: "Art. 15(5)"}
#     - {framework: NIST-800-53, article: "AC-6(10)"}
#     - {framework: NIST-800-53, article: "SC-39"}
#     - {framework: ISO-27001, article: "A.8.9"}
#     - {framework: CIS, article: "Kubernetes 1.8.0 5.2.2"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     containers:
#       - name: serve
#         securityContext:
#           privileged: false
#           allowPrivilegeEscalation: false
#           capabilities: {drop: [ALL]}
package gavel.workload_security.k8s_privileged_containers

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.k8s
import data.gavel.lib.pod_security
import data.gavel.lib.terraform

workload := input.resource.attributes

deny contains checks.finding(k8s.display(input.resource), pod_security.container_field(workload, entry, "securityContext.privileged"), true, false) if {
	some entry in k8s.containers(workload)
	terraform.is_true(object.get(entry.container, ["securityContext", "privileged"], false))
}
