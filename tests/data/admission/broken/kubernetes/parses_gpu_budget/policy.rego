# METADATA
# title: Parses a GPU budget label that may not be a number
# custom:
#   id: parses_gpu_budget
#   severity: medium
#   regulations:
#     - {framework: ISO-27001, article: "A.8.6"}
#   resource_kinds: [Pod, Deployment, Job]
#   remediation: Label the workload with a byte size such as gavel.dev/gpu-memory=80Gi.
package gavel.kubernetes.parses_gpu_budget

import rego.v1

deny contains "GPU memory budget above 1Ti" if {
	units.parse_bytes(input.resource.labels["gavel.dev/gpu-memory"]) > 1099511627776
}
