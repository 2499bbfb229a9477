# METADATA
# title: Kubernetes Roles grant no privilege-escalation verbs
# description: >-
#   The verbs escalate (edit a role beyond one's own permissions), bind (bind any role) and
#   impersonate (act as another user, group or service account), the k8s_escalation_verbs
#   parameter (data/access_control.yaml), let a subject raise its own privileges; a workload's
#   role must not grant them.
# custom:
#   id: k8s_rbac_escalation_verbs
#   version: 1.0.0
#   severity: high
#   controls: [GVL-IAM-05]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AC-6(10)"}
#     - {framework: ISO-27001, article: "A.8.2"}
#     - {framework: CIS, article: "Kubernetes 1.8.0 5.1.8"}
#   resource_kinds: [Role, ClusterRole]
#   remediation: |
#     Remove escalate, bind and impersonate from the rule's verbs:
#       rules:
#         - apiGroups: ["rbac.authorization.k8s.io"]
#           resources: ["rolebindings"]
#           verbs: ["get", "list"]
package gavel.access_control.k8s_rbac_escalation_verbs

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.iam.params as iam_params
import data.gavel.lib.k8s

escalation := object.get(iam_params, "k8s_escalation_verbs", ["escalate", "bind", "impersonate"])

deny contains checks.finding(k8s.display(input.resource), sprintf("rules[%d].verbs", [i]), granted, [v | some v in checks.items(rule, "verbs"); not v in escalation]) if {
	some i, rule in checks.items(input.resource.attributes, "rules")
	granted := [v | some v in checks.items(rule, "verbs"); v in escalation]
	count(granted) > 0
}
