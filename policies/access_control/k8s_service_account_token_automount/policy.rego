# METADATA
# title: Workloads do not mount a service account token they do not ask for
# description: >-
#   A pod gets an API token only when it says it needs one: its spec sets
#   automountServiceAccountToken to false, or leaves it unset and runs as a ServiceAccount (in
#   the same estate) that sets it to false. A stolen token is a foothold in the cluster's API;
#   most pipeline steps and model servers never call it. Pods that do call the API set the field
#   to true on purpose and take a waiver.
# custom:
#   id: k8s_service_account_token_automount
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-IAM-06]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AC-6"}
#     - {framework: NIST-800-53, article: "CM-7"}
#     - {framework: ISO-27001, article: "A.8.2"}
#     - {framework: CIS, article: "Kubernetes 1.8.0 5.1.6"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     spec:
#       template:
#         spec:
#           automountServiceAccountToken: false
package gavel.access_control.k8s_service_account_token_automount

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.k8s
import data.gavel.lib.pod_security
import data.gavel.lib.terraform

spec := k8s.pod_spec(input.resource.attributes)

setting := object.get(spec, "automountServiceAccountToken", null)

account := object.get(spec, "serviceAccountName", "default")

namespace := input.resource.namespace if {
	is_string(input.resource.namespace)
} else := "default"

deny contains checks.finding(
	k8s.display(input.resource),
	pod_security.pod_field(input.resource.attributes, "automountServiceAccountToken"),
	setting,
	false,
) if {
	not terraform.is_false(setting)
	not account_opts_out
}

# The pod leaves the choice to its ServiceAccount, which turns mounting off.
account_opts_out if {
	setting == null
	some sa in terraform.estate_resources("ServiceAccount")
	sa.name == account
	object.get(sa, "namespace", null) in {namespace, null}
	sa.attributes.automountServiceAccountToken == false
}
