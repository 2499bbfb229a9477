# METADATA
# title: An update does not lower a workload's data classification
# custom:
#   id: classification_not_downgraded
#   severity: medium
#   regulations:
#     - {framework: GDPR, article: "Art. 32"}
#   resource_kinds: [Deployment, StatefulSet, Job]
#   remediation: Keep the data-classification label at least as sensitive as before.
package gavel.kubernetes.classification_not_downgraded

import rego.v1

rank := {"public": 0, "internal": 1, "confidential": 2, "personal": 3, "special-category": 4}

deny contains {"msg": msg, "details": {"field": "metadata.labels.data-classification", "expected": before}} if {
	before := input.resource.old.labels["data-classification"]
	after := object.get(input.resource.labels, "data-classification", "public")
	rank[after] < rank[before]
	msg := sprintf("%s %s: data-classification lowered from %s to %s", [input.resource.kind, input.resource.name, before, after])
}
