# METADATA
# title: GCP service accounts use no user-managed keys
# description: >-
#   A google_service_account_key creates a long-lived private key for a service account that
#   the controller must store, rotate and revoke itself, and that works from anywhere once
#   leaked. Pipelines authenticate with attached service accounts or Workload Identity
#   (Federation) instead.
# custom:
#   id: gcp_service_account_keys
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-IAM-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "IA-5"}
#     - {framework: ISO-27001, article: "A.5.17"}
#     - {framework: CIS, article: "GCP Foundations 2.0.0 1.4"}
#   resource_kinds: [google_service_account_key]
#   remediation: |
#     Remove the google_service_account_key; on GKE bind the Kubernetes service account instead:
#       resource "google_service_account_iam_member" "training_wi" {
#         service_account_id = google_service_account.training.name
#         role               = "roles/iam.workloadIdentityUser"
#         member             = "serviceAccount:ml-prod.svc.id.goog[training/trainer]"
#       }
package gavel.access_control.gcp_service_account_keys

import rego.v1

import data.gavel.lib.terraform

deny contains {
	"msg": sprintf("%s: a user-managed key for %v; remove the google_service_account_key and use an attached service account or Workload Identity", [terraform.address(input.resource), account]),
	"details": {"field": "google_service_account_key", "actual": account, "expected": "no user-managed key"},
} if {
	account := object.get(input.resource.attributes, "service_account_id", null)
}
