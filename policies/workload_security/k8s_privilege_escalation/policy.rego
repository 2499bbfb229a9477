# METADATA
# title: Containers cannot gain more privileges than they start with
# description: >-
#   Every container sets securityContext.allowPrivilegeEscalation to false, so no setuid
#   binary or file capability in its image can raise its process above the privileges it was
#   started with. Kubernetes allows escalation unless told otherwise.
# custom:
#   id: k8s_privilege_escalation
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-WLS-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AC-6"}
#     - {framework: ISO-27001, article: "A.8.9"}
#     - {framework: CIS, article: "Kubernetes 1.8.0 5.2.6"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     containers:
#       - name: train
#         securityContext:
#           allowPrivilegeEscalation: false
package gavel.workload_security.k8s_privilege_escalation

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.k8s
import data.gavel.lib.pod_security
import data.gavel.lib.terraform

workload := input.resource.attributes

deny contains checks.finding(k8s.display(input.resource), pod_security.container_field(workload, entry, "securityContext.allowPrivilegeEscalation"), value, false) if {
	some entry in k8s.containers(workload)
	value := object.get(entry.container, ["securityContext", "allowPrivilegeEscalation"], null)
	not terraform.is_false(value)
}
