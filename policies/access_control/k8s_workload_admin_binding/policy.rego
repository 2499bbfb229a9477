# METADATA
# title: Workload service accounts are not bound to cluster-admin
# description: >-
#   A RoleBinding or ClusterRoleBinding does not give a ServiceAccount (the identity of a pod:
#   a pipeline step, a training job, a model server) the cluster-admin or admin ClusterRole
#   (k8s_admin_cluster_roles, data/access_control.yaml): a compromised pod would own the
#   cluster. Service accounts of the control plane's namespaces (k8s_system_namespaces) are
#   not judged.
# custom:
#   id: k8s_workload_admin_binding
#   version: 1.0.0
#   severity: critical
#   controls: [GVL-IAM-06]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AC-6(5)"}
#     - {framework: ISO-27001, article: "A.8.2"}
#     - {framework: CIS, article: "Kubernetes 1.8.0 5.1.1"}
#   resource_kinds: [ClusterRoleBinding, RoleBinding]
#   remediation: |
#     Bind a Role limited to what the workload does:
#       kind: RoleBinding
#       metadata: {name: trainer, namespace: ml}
#       roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: job-runner}
#       subjects:
#         - {kind: ServiceAccount, name: trainer, namespace: ml}
package gavel.access_control.k8s_workload_admin_binding

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.iam.params as iam_params
import data.gavel.lib.k8s

binding := input.resource.attributes

admin_roles := object.get(iam_params, "k8s_admin_cluster_roles", ["cluster-admin"])

system_namespaces := object.get(iam_params, "k8s_system_namespaces", ["kube-system"])

deny contains checks.finding(k8s.display(input.resource), "roleRef.name", binding.roleRef.name, "a Role or ClusterRole granting only what the workload needs") if {
	binding.roleRef.kind == "ClusterRole"
	binding.roleRef.name in admin_roles
	some subject in checks.items(binding, "subjects")
	subject.kind == "ServiceAccount"
	not object.get(subject, "namespace", input.resource.namespace) in system_namespaces
}
