# METADATA
# title: Cloud Storage buckets and objects are not granted to everyone
# description: >-
#   No IAM member, binding or policy of a bucket, and no bucket or object ACL entry, grants
#   anything to allUsers (anyone on the internet) or allAuthenticatedUsers (anyone with a
#   Google account), the public_gcp_members parameter (data/network_exposure.yaml).
# custom:
#   id: gcs_not_public
#   version: 1.0.0
#   severity: critical
#   controls: [GVL-NET-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AC-3"}
#     - {framework: NIST-800-53, article: "AC-21"}
#     - {framework: ISO-27001, article: "A.8.3"}
#     - {framework: CIS, article: "GCP Foundations 2.0.0 5.1"}
#   resource_kinds: [google_storage_bucket_iam_member, google_storage_bucket_iam_binding,
#     google_storage_bucket_iam_policy, google_storage_bucket_access_control,
#     google_storage_default_object_access_control, google_storage_object_access_control]
#   remediation: |
#     Grant the readers by name, and enforce public access prevention on the bucket:
#       resource "google_storage_bucket_iam_member" "reporting" {
#         bucket = google_storage_bucket.reports.name
#         role   = "roles/storage.objectViewer"
#         member = "group:reporting@example.com"
#       }
#       resource "google_storage_bucket" "reports" { public_access_prevention = "enforced" }
package gavel.network_exposure.gcs_not_public

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.iam
import data.gavel.lib.terraform

public_members := object.get(checks.parameters("network_exposure"), "public_gcp_members", ["allUsers", "allAuthenticatedUsers"])

# {field, who} of every grant the resource makes.
grants contains {"field": "member", "who": g.member, "role": g.role} if {
	some g in iam.grants(input.resource)
}

grants contains {"field": "entity", "who": input.resource.attributes.entity, "role": object.get(input.resource.attributes, "role", null)} if {
	endswith(input.resource.kind, "_access_control")
}

deny contains checks.finding(terraform.address(input.resource), grant.field, grant.who, "named users, groups or service accounts") if {
	some grant in grants
	grant.who in public_members
}
