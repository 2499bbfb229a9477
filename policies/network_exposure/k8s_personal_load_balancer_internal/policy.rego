# METADATA
# title: LoadBalancer Services in front of personal data are internal
# description: >-
#   A Service of type LoadBalancer that is classified personal (its own labels or its
#   namespace's), or that selects pods of a workload classified personal, carries the
#   annotation that makes the cloud's load balancer internal (GKE, EKS and AKS annotations,
#   internal_load_balancer_annotations in data/network_exposure.yaml): personal data is served
#   to the internet only through a reviewed ingress, not by a Service type change.
# custom:
#   id: k8s_personal_load_balancer_internal
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-06]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: GDPR, article: "Art. 25(2)"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: ISO-27001, article: "A.8.20"}
#   resource_kinds: [Service]
#   remediation: |
#     metadata:
#       annotations:
#         networking.gke.io/load-balancer-type: "Internal"                 # GKE
#         service.beta.kubernetes.io/aws-load-balancer-scheme: "internal"  # EKS
#         service.beta.kubernetes.io/azure-load-balancer-internal: "true"  # AKS
#     spec:
#       type: LoadBalancer
package gavel.network_exposure.k8s_personal_load_balancer_internal

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.classification
import data.gavel.lib.conventions
import data.gavel.lib.k8s
import data.gavel.lib.terraform

service := input.resource.attributes

internal_annotations := object.get(checks.parameters("network_exposure"), "internal_load_balancer_annotations", {})

workload_kinds := ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"]

deny contains checks.finding(k8s.display(input.resource), "metadata.annotations", annotations, sprintf("one of %v", [internal_annotations])) if {
	service.spec.type == "LoadBalancer"
	personal
	not internal
	annotations := conventions.metadata_map(service, "annotations")
}

internal if {
	some key, value in conventions.metadata_map(service, "annotations")
	checks.text(value) == checks.text(internal_annotations[key])
}

personal if classification.is_personal(input.resource)

personal if {
	selector := service.spec.selector
	is_object(selector)
	count(selector) > 0
	some kind in workload_kinds
	some workload in terraform.estate_resources(kind)
	workload.namespace == input.resource.namespace
	classification.is_personal(workload)
	pod_labels := conventions.metadata_map(conventions.template(workload.attributes), "labels")
	every key, value in selector {
		pod_labels[key] == value
	}
}
