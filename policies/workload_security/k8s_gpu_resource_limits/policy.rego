# METADATA
# title: GPU workloads limit their CPU and memory
# description: >-
#   Every container of a workload that uses GPUs (requests a GPU resource, or selects GPU nodes
#   by accelerator label or instance type) sets resources.limits for the resources named by
#   gpu_limit_resources (cpu and memory, data/workload_security.yaml), so one training job
#   cannot starve the other jobs and the system daemons of a shared, expensive GPU node.
# custom:
#   id: k8s_gpu_resource_limits
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-WLS-04]
#   regulations:
#     - {framework: EU-AI-ACT, article: "Art. 15(4)"}
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SC-6"}
#     - {framework: ISO-27001, article: "A.8.6"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     containers:
#       - name: train
#         resources:
#           requests: {cpu: "8", memory: 64Gi, nvidia.com/gpu: "1"}
#           limits:   {cpu: "8", memory: 64Gi, nvidia.com/gpu: "1"}
package gavel.workload_security.k8s_gpu_resource_limits

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.k8s
import data.gavel.lib.k8s.input_uses_gpu
import data.gavel.lib.pod_security

required := object.get(checks.parameters("workload_security"), "gpu_limit_resources", ["cpu", "memory"])

workload := input.resource.attributes

deny contains checks.finding(k8s.display(input.resource), pod_security.container_field(workload, entry, sprintf("resources.limits.%s", [name])), null, "a limit, e.g. the amount the container requests") if {
	input_uses_gpu
	some entry in k8s.containers(workload)
	entry.field != "ephemeralContainers"
	some name in required
	not entry.container.resources.limits[name]
}
