# METADATA
# title: Kubernetes workloads on personal data are not pinned outside the EEA
# description: >-
#   A workload labelled personal (or running in a namespace labelled so) whose nodeSelector or
#   required node affinity pins it to a region or zone outside the EEA, without an adequacy
#   decision, processes personal data there (GDPR Chapter V). Unknown regions count as outside.
# custom:
#   id: personal_data_workload_location
#   version: 1.0.0
#   severity: critical
#   controls: [GVL-RES-04]
#   regulations:
#     - {framework: GDPR, article: "Art. 44"}
#     - {framework: GDPR, article: "Art. 45"}
#     - {framework: GDPR, article: "Art. 46"}
#     - {framework: NIST-800-53, article: "SA-9(5)"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     Pin the workload to EEA nodes:
#       spec:
#         template:
#           spec:
#             nodeSelector:
#               topology.kubernetes.io/region: europe-west4
package gavel.data_residency.personal_data_workload_location

import rego.v1

import data.gavel.lib.classification
import data.gavel.lib.k8s
import data.gavel.lib.regions

deny contains violation if {
	classification.is_personal(input.resource)
	some location in k8s.locations(input.resource.attributes)
	not regions.transfer_permitted(location)
	field := "spec.template.spec.nodeSelector[topology.kubernetes.io/region]"
	some violation in regions.transfer_violations(k8s.display(input.resource), location, field)
}
