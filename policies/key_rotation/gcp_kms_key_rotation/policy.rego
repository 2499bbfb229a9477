# METADATA
# title: Cloud KMS encryption keys rotate within the configured period
# description: >-
#   google_kms_crypto_key resources with purpose ENCRYPT_DECRYPT (the default) set a
#   rotation_period no longer than the max_key_rotation_days parameter (data/encryption.yaml).
#   Cloud KMS cannot rotate asymmetric keys automatically; those are not judged here.
# custom:
#   id: gcp_kms_key_rotation
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-KEY-01]
#   regulations:
#     - {framework: NIST-800-53, article: "SC-12"}
#     - {framework: ISO-27001, article: "A.8.24"}
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: CIS, article: "GCP Foundations 2.0.0 1.10"}
#   resource_kinds: [google_kms_crypto_key, cloudkms.googleapis.com/CryptoKey]
#   remediation: |
#     resource "google_kms_crypto_key" "data" {
#       rotation_period = "7776000s"   # 90 days
#     }
package gavel.key_rotation.gcp_kms_key_rotation

import rego.v1

import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.cloud
import data.gavel.lib.terraform

max_days := object.get(checks_documents, ["encryption", "max_key_rotation_days"], 365)

max_seconds := max_days * 86400

# A Cloud Asset Inventory CryptoKey carries the API's own names under resource.data.
attributes := object.union(cloud.settings(input.resource), {"rotation_period": cloud.settings(input.resource).rotationPeriod}) if {
	cloud.gcp_asset(input.resource)
	cloud.settings(input.resource).rotationPeriod
} else := cloud.settings(input.resource) if {
	cloud.gcp_asset(input.resource)
} else := input.resource.attributes

symmetric if object.get(attributes, "purpose", "ENCRYPT_DECRYPT") in {"ENCRYPT_DECRYPT", null}

deny contains {
	"msg": sprintf("%s: rotation_period is %v; set rotation_period to at most \"%vs\" (%v days)", [terraform.address(input.resource), period, max_seconds, max_days]),
	"details": {"field": "rotation_period", "actual": period, "expected": sprintf("<= %vs", [max_seconds])},
} if {
	symmetric
	period := object.get(attributes, "rotation_period", null)
	not within_limit(period)
}

within_limit(period) if {
	is_string(period)
	regex.match(`^[0-9]+(\.[0-9]+)?s$`, period)
	to_number(trim_suffix(period, "s")) <= max_seconds
}
