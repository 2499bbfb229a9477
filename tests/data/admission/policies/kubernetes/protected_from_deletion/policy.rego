# METADATA
# title: Workloads labelled protected are not deleted
# custom:
#   id: protected_from_deletion
#   severity: high
#   regulations:
#     - {framework: ISO-27001, article: "A.8.32"}
#   resource_kinds: [Deployment, StatefulSet]
#   remediation: Remove the gavel.dev/protected label in a reviewed change first.
package gavel.kubernetes.protected_from_deletion

import rego.v1

deny contains {"msg": msg, "details": {"field": "metadata.labels.gavel.dev/protected", "expected": "absent"}} if {
	input.resource.labels["gavel.dev/protected"] == "true"
	msg := sprintf("%s %s is protected from deletion", [input.resource.kind, input.resource.name])
}
