# METADATA
# title: Kubernetes Roles and ClusterRoles name their verbs and resources
# description: >-
#   An RBAC rule grants named verbs on named resources: `*` in verbs or resources gives every
#   present and future permission of the API groups it covers, far beyond what a pipeline,
#   operator or user needs.
# custom:
#   id: k8s_rbac_wildcards
#   version: 1.0.0
#   severity: high
#   controls: [GVL-IAM-05]
#   regulations:
#     - {framework: GDPR, article: "Art. 25(2)"}
#     - {framework: NIST-800-53, article: "AC-6"}
#     - {framework: ISO-27001, article: "A.5.15"}
#     - {framework: CIS, article: "Kubernetes 1.8.0 5.1.3"}
#   resource_kinds: [Role, ClusterRole]
#   remediation: |
#     rules:
#       - apiGroups: ["batch"]
#         resources: ["jobs"]
#         verbs: ["get", "list", "watch", "create"]
package gavel.access_control.k8s_rbac_wildcards

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.k8s

deny contains checks.finding(k8s.display(input.resource), sprintf("rules[%d].%s", [i, field]), rule[field], sprintf("the %s the subject needs, by name", [field])) if {
	some i, rule in checks.items(input.resource.attributes, "rules")
	some field in ["verbs", "resources"]
	"*" in checks.items(rule, field)
}
