# METADATA
# title: Buckets holding personal data keep object versions
# description: >-
#   An S3 or GCS bucket classified personal (data/cloud_storage.yaml versioning_classifications)
#   has versioning enabled, so an overwrite, a deletion or ransomware encryption of an object can
#   be undone: the ability to restore availability of and access to personal data in a timely
#   manner (GDPR Art. 32(1)(c)). Read from the bucket's live configuration (AWS Config
#   BucketVersioningConfiguration.status; the GCS bucket's versioning.enabled).
# custom:
#   id: storage_versioning
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-BAK-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(c)"}
#     - {framework: NIST-800-53, article: "CP-9"}
#     - {framework: ISO-27001, article: "A.8.13"}
#   resource_kinds: [AWS::S3::Bucket, storage.googleapis.com/Bucket]
#   remediation: |
#     aws s3api put-bucket-versioning --bucket <name> --versioning-configuration Status=Enabled
#     gcloud storage buckets update gs://<name> --versioning
#     (add a lifecycle rule that expires noncurrent versions after your retention period)
package gavel.cloud_storage.storage_versioning

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.classification
import data.gavel.lib.cloud
import data.gavel.lib.terraform

classes := object.get(checks_documents, ["cloud_storage", "versioning_classifications"], ["personal", "special-category"])

versioning := ["supplementaryConfiguration.BucketVersioningConfiguration.status", status, "Enabled"] if {
	cloud.aws_item(input.resource)
	status := object.get(cloud.supplementary(input.resource, "BucketVersioningConfiguration"), "status", null)
} else := ["supplementaryConfiguration.BucketVersioningConfiguration.status", null, "Enabled"] if {
	cloud.aws_item(input.resource)
} else := ["resource.data.versioning.enabled", object.get(cloud.settings(input.resource), ["versioning", "enabled"], null), true]

deny contains checks.finding(sprintf("%s (%s data)", [terraform.address(input.resource), classification.of(input.resource)]), field, actual, expected) if {
	classification.in_classes(input.resource, classes)
	[field, actual, expected] := versioning
	actual != expected
}
