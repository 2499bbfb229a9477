# METADATA
# title: GCP service accounts hold no basic or administrator roles
# description: >-
#   A service account (the identity of a pipeline, a training job, a notebook) is not granted
#   Owner, Editor or an administrator role (gcp_privileged_roles, data/access_control.yaml) on
#   a project, folder or organization, through IAM member, binding or policy resources.
# custom:
#   id: gcp_service_account_admin_roles
#   version: 1.0.0
#   severity: high
#   controls: [GVL-IAM-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 25(2)"}
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AC-6(5)"}
#     - {framework: ISO-27001, article: "A.8.2"}
#     - {framework: CIS, article: "GCP Foundations 2.0.0 1.5"}
#   resource_kinds: [google_project_iam_member, google_project_iam_binding, google_project_iam_policy,
#     google_folder_iam_member, google_folder_iam_binding, google_folder_iam_policy,
#     google_organization_iam_member, google_organization_iam_binding, google_organization_iam_policy]
#   remediation: |
#     Grant the predefined roles the pipeline needs, on the resources it uses:
#       resource "google_storage_bucket_iam_member" "training_reads_features" {
#         bucket = google_storage_bucket.features.name
#         role   = "roles/storage.objectViewer"
#         member = "serviceAccount:${google_service_account.training.email}"
#       }
package gavel.access_control.gcp_service_account_admin_roles

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.iam
import data.gavel.lib.iam.params as iam_params
import data.gavel.lib.terraform

privileged := object.get(iam_params, "gcp_privileged_roles", ["roles/owner", "roles/editor"])

deny contains checks.finding(terraform.address(input.resource), sprintf("role (for %s)", [grant.member]), grant.role, "a predefined role limited to what the service account uses") if {
	some grant in iam.grants(input.resource)
	iam.service_account(grant.member)
	grant.role in privileged
}
