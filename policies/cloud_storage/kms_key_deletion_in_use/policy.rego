# METADATA
# title: KMS keys that still encrypt collected data are not scheduled for deletion or disabled
# description: >-
#   A key in a state where it can no longer decrypt (AWS PendingDeletion or Disabled, a GCP key
#   whose primary version is DESTROY_SCHEDULED, DESTROYED or DISABLED; data/cloud_storage.yaml
#   unusable_key_states) while a bucket, volume, database or training job of the estate is
#   encrypted with it makes that data unreadable once the key goes: a loss of availability
#   GDPR Art. 32(1)(c) requires the controller to prevent. Only live state shows this, so the
#   policy reads inventories (AWS Config items, `gavel audit --aws`, Cloud Asset Inventory).
# custom:
#   id: kms_key_deletion_in_use
#   version: 1.0.0
#   severity: high
#   controls: [GVL-KEY-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(c)"}
#     - {framework: NIST-800-53, article: "SC-12"}
#     - {framework: NIST-800-53, article: "CP-9"}
#     - {framework: ISO-27001, article: "A.8.24"}
#   resource_kinds: [AWS::KMS::Key, cloudkms.googleapis.com/CryptoKey]
#   remediation: |
#     Cancel the deletion (or re-enable the key) while data depends on it:
#       aws kms cancel-key-deletion --key-id <key id> && aws kms enable-key --key-id <key id>
#       gcloud kms keys versions restore <version> --key <key> --keyring <ring> --location <loc>
#     then re-encrypt the dependent resources with another key before retiring this one.
package gavel.cloud_storage.kms_key_deletion_in_use

import rego.v1

import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.cloud
import data.gavel.lib.graph
import data.gavel.lib.terraform

unusable := object.get(checks_documents, ["cloud_storage", "unusable_key_states"], ["PendingDeletion", "Disabled", "DESTROY_SCHEDULED", "DESTROYED", "DISABLED"])

state := cloud.settings(input.resource).keyState if {
	cloud.aws_item(input.resource)
} else := cloud.settings(input.resource).primary.state

field := "configuration.keyState" if {
	cloud.aws_item(input.resource)
} else := "resource.data.primary.state"

dependents := sort([graph.display(graph.resource(id)) | some id in graph.sources(input.resource.id, "encrypted_by")])

deny contains {
	"msg": sprintf("%s: %s is %s while %d collected resource(s) are encrypted with it (%s); cancel the deletion or re-enable the key, and re-encrypt them before retiring it", [terraform.address(input.resource), field, state, count(dependents), concat(", ", dependents)]),
	"details": {"field": field, "actual": state, "expected": "Enabled", "dependents": dependents},
} if {
	state in unusable
	count(dependents) > 0
}
