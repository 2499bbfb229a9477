# METADATA
# title: Pipeline steps run under a dedicated service account, not the namespace default
# description: >-
#   An Argo step names its own Kubernetes service account (on the template or the workflow
#   spec), and it is not one of disallowed_service_accounts (data/pipeline_security.yaml,
#   `default`). A step that names none runs as the namespace's `default` account, shared by
#   every workload that names none, so its permissions cannot be scoped to the pipeline.
# custom:
#   id: pipeline_dedicated_service_account
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-IAM-01]
#   regulations:
#     - {framework: NIST-800-53, article: "AC-6"}
#     - {framework: ISO-27001, article: "A.5.15"}
#   resource_kinds: [argo_template]
#   remediation: |
#     spec:
#       serviceAccountName: train-pipeline       # a service account bound only to what the steps need
#       automountServiceAccountToken: false       # where steps do not call the Kubernetes API
package gavel.pipeline_security.pipeline_dedicated_service_account

import rego.v1

import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.pipelines

disallowed := object.get(checks_documents, ["pipeline_security", "disallowed_service_accounts"], ["default"])

account := object.get(input.resource.attributes, "service_account_name", null)

deny contains {
	"msg": sprintf("%s: no serviceAccountName, so the step runs as the namespace's default service account; set spec.serviceAccountName to a dedicated account", [pipelines.display(input.resource)]),
	"details": {"field": "serviceAccountName", "actual": null, "expected": "a dedicated service account"},
} if {
	not is_string(account)
}

deny contains {
	"msg": sprintf("%s: runs as service account %q, which is shared; set serviceAccountName to a dedicated account", [pipelines.display(input.resource), account]),
	"details": {"field": "serviceAccountName", "actual": account, "expected": sprintf("not one of %v", [disallowed])},
} if {
	is_string(account)
	account in disallowed
}

deny contains {
	"msg": sprintf("%s: serviceAccountName is empty, so the step runs as the namespace's default service account; set it to a dedicated account", [pipelines.display(input.resource)]),
	"details": {"field": "serviceAccountName", "actual": "", "expected": "a dedicated service account"},
} if {
	account == ""
	not "" in disallowed
}
