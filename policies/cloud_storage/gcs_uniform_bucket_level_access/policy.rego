# METADATA
# title: GCS buckets use uniform bucket-level access
# description: >-
#   With uniform bucket-level access (formerly Bucket Policy Only) a bucket's IAM policy is the
#   only thing that grants access: object ACLs, which can quietly make single objects public or
#   readable by another project, stop working. Read from a Cloud Asset Inventory asset's
#   iamConfiguration.uniformBucketLevelAccess.enabled (or the older bucketPolicyOnly.enabled).
# custom:
#   id: gcs_uniform_bucket_level_access
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-ACC-04]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AC-3"}
#     - {framework: ISO-27001, article: "A.5.15"}
#     - {framework: CIS, article: "GCP Foundations 2.0.0 5.2"}
#   resource_kinds: [storage.googleapis.com/Bucket]
#   remediation: |
#     gcloud storage buckets update gs://<name> --uniform-bucket-level-access
#     (Terraform: uniform_bucket_level_access = true on google_storage_bucket)
package gavel.cloud_storage.gcs_uniform_bucket_level_access

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.cloud
import data.gavel.lib.terraform

iam := object.get(cloud.settings(input.resource), "iamConfiguration", {})

field := "resource.data.iamConfiguration.uniformBucketLevelAccess.enabled"

deny contains checks.finding(terraform.address(input.resource), field, object.get(iam, ["uniformBucketLevelAccess", "enabled"], null), true) if {
	not terraform.is_true(object.get(iam, ["uniformBucketLevelAccess", "enabled"], null))
	not terraform.is_true(object.get(iam, ["bucketPolicyOnly", "enabled"], null))
}
