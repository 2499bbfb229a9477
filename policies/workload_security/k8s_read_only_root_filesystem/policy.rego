# METADATA
# title: Containers run with a read-only root filesystem
# description: >-
#   Every container sets securityContext.readOnlyRootFilesystem, so an intruder cannot replace
#   binaries or plant tools in the image's filesystem, and a model server cannot quietly write
#   data where no volume policy sees it. Scratch space goes to an emptyDir volume.
# custom:
#   id: k8s_read_only_root_filesystem
#   version: 1.0.0
#   severity: low
#   controls: [GVL-WLS-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: EU-AI-ACT, article: "Art. 15(5)"}
#     - {framework: NIST-800-53, article: "CM-7"}
#     - {framework: NIST-800-53, article: "SI-7"}
#     - {framework: ISO-27001, article: "A.8.9"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     containers:
#       - name: serve
#         securityContext:
#           readOnlyRootFilesystem: true
#         volumeMounts:
#           - {name: scratch, mountPath: /tmp}
#     volumes:
#       - {name: scratch, emptyDir: {}}
package gavel.workload_security.k8s_read_only_root_filesystem

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.k8s
import data.gavel.lib.pod_security
import data.gavel.lib.terraform

workload := input.resource.attributes

deny contains checks.finding(k8s.display(input.resource), pod_security.container_field(workload, entry, "securityContext.readOnlyRootFilesystem"), value, true) if {
	some entry in k8s.containers(workload)
	value := object.get(entry.container, ["securityContext", "readOnlyRootFilesystem"], null)
	not terraform.is_true(value)
}
