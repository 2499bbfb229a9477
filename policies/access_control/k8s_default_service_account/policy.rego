# METADATA
# title: Workloads run as their own service account, not the namespace default
# description: >-
#   Every pod of a namespace can run as its `default` ServiceAccount, so a permission granted
#   to it (RBAC, a cloud IAM binding through Workload Identity or IRSA) is granted to all of
#   them. A workload names a ServiceAccount of its own in serviceAccountName.
# custom:
#   id: k8s_default_service_account
#   version: 1.0.0
#   severity: low
#   controls: [GVL-IAM-06]
#   regulations:
#     - {framework: GDPR, article: "Art. 25(2)"}
#     - {framework: NIST-800-53, article: "AC-6"}
#     - {framework: NIST-800-53, article: "IA-2"}
#     - {framework: ISO-27001, article: "A.5.16"}
#     - {framework: CIS, article: "Kubernetes 1.8.0 5.1.5"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     apiVersion: v1
#     kind: ServiceAccount
#     metadata: {name: trainer, namespace: ml}
#     automountServiceAccountToken: false
#     ---
#     spec:
#       template:
#         spec:
#           serviceAccountName: trainer
package gavel.access_control.k8s_default_service_account

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.k8s
import data.gavel.lib.pod_security

spec := k8s.pod_spec(input.resource.attributes)

# serviceAccount is the deprecated alias of serviceAccountName.
account := object.get(spec, "serviceAccountName", object.get(spec, "serviceAccount", null))

deny contains checks.finding(
	k8s.display(input.resource),
	pod_security.pod_field(input.resource.attributes, "serviceAccountName"),
	account,
	"a ServiceAccount created for this workload",
) if {
	account in {null, "", "default"}
}
