# METADATA
# title: Pods do not share the node's network, process or IPC namespaces
# description: >-
#   A pod keeps hostNetwork, hostPID and hostIPC off: with them it sees the node's network
#   interfaces and traffic, every process on the node (and their environment, secrets
#   included), or its shared memory.
# custom:
#   id: k8s_host_namespaces
#   version: 1.0.0
#   severity: high
#   controls: [GVL-WLS-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SC-39"}
#     - {framework: NIST-800-53, article: "CM-7"}
#     - {framework: ISO-27001, article: "A.8.9"}
#     - {framework: CIS, article: "Kubernetes 1.8.0 5.2.3"}
#     - {framework: CIS, article: "Kubernetes 1.8.0 5.2.4"}
#     - {framework: CIS, article: "Kubernetes 1.8.0 5.2.5"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     spec:
#       template:
#         spec:
#           hostNetwork: false
#           hostPID: false
#           hostIPC: false
package gavel.workload_security.k8s_host_namespaces

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.k8s
import data.gavel.lib.pod_security
import data.gavel.lib.terraform

deny contains checks.finding(k8s.display(input.resource), pod_security.pod_field(input.resource.attributes, name), true, false) if {
	spec := k8s.pod_spec(input.resource.attributes)
	some name in ["hostNetwork", "hostPID", "hostIPC"]
	terraform.is_true(object.get(spec, name, false))
}
