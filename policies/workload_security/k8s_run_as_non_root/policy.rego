# METADATA
# title: Containers run as a non-root user
# description: >-
#   Every container runs with runAsNonRoot true and no runAsUser 0, set on the container or
#   inherited from the pod's securityContext, so the kubelet refuses to start an image that
#   would run as root: root in a container is one kernel bug away from root on the node.
# custom:
#   id: k8s_run_as_non_root
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-WLS-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AC-6(2)"}
#     - {framework: ISO-27001, article: "A.8.2"}
#     - {framework: CIS, article: "Kubernetes 1.8.0 5.2.7"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     spec:
#       securityContext:
#         runAsNonRoot: true
#         runAsUser: 10001
package gavel.workload_security.k8s_run_as_non_root

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.k8s
import data.gavel.lib.pod_security

workload := input.resource.attributes

# Read once for both rules and every container: a function is evaluated again at every call.
containers := k8s.containers(workload)

spec := k8s.pod_spec(workload)

deny contains checks.finding(k8s.display(input.resource), pod_security.container_field(workload, entry, "securityContext.runAsNonRoot"), value, true) if {
	some entry in containers
	value := pod_security.effective_in(spec, entry.container, "runAsNonRoot")
	value != true
}

deny contains checks.finding(k8s.display(input.resource), pod_security.container_field(workload, entry, "securityContext.runAsUser"), 0, "a non-zero user id") if {
	some entry in containers
	pod_security.effective_in(spec, entry.container, "runAsUser") == 0
}
