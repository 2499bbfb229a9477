# METADATA
# title: Stores that pipelines write personal data into use a customer-managed key
# description: >-
#   Lineage shows what labels may not: a bucket that is not itself classified personal, but
#   receives personal data from a pipeline (a dataset classified personal is stored in it, or a
#   job handling personal data writes it), must be encrypted with a customer-managed key like
#   any store of personal data (GDPR Art. 32(1)(a)). The key may be set on the store or on a
#   settings resource that configures it (aws_s3_bucket_server_side_encryption_configuration);
#   provider-managed keys (`alias/aws/s3`) do not count. Stores classified personal themselves
#   are judged by the encryption_at_rest policies.
# custom:
#   id: personal_data_sink_without_cmk
#   version: 1.0.0
#   severity: high
#   controls: [GVL-ENC-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: NIST-800-53, article: "SC-28(1)"}
#   resource_kinds: [aws_s3_bucket, google_storage_bucket, azurerm_storage_container, "AWS::S3::Bucket"]
#   remediation: |
#     Encrypt the bucket with a key you manage, and classify it as what it holds:
#       resource "aws_s3_bucket_server_side_encryption_configuration" "features" {
#         bucket = aws_s3_bucket.features.id
#         rule {
#           apply_server_side_encryption_by_default {
#             sse_algorithm     = "aws:kms"
#             kms_master_key_id = aws_kms_key.features.arn
#           }
#         }
#       }
package gavel.cross_layer.personal_data_sink_without_cmk

import rego.v1

import data.gavel.lib.classification
import data.gavel.lib.graph

deny contains violation if {
	graph.is_storage(input.resource)
	not classification.is_personal(input.resource)
	writes := graph.personal_writes(input.resource.id)
	count(writes) > 0
	keys := graph.encryption_keys(input.resource.id)
	not any_customer_managed(keys)
	writers := sort({w.writer | some w in writes})
	datasets := sort({w.dataset | some w in writes; is_string(w.dataset)})
	violation := {
		"msg": sprintf("%s receives personal data from %s (%s) but is not encrypted with a customer-managed key (%s); encrypt it with a customer-managed KMS key", [
			graph.display(input.resource), concat(", ", writers), concat(", ", datasets), shown_keys(keys),
		]),
		"details": {
			"field": "encrypted_by",
			"actual": sort([k.key | some k in keys]),
			"expected": "a customer-managed key",
			"writers": writers,
			"datasets": datasets,
		},
	}
}

any_customer_managed(keys) if {
	some k in keys
	graph.customer_managed(k)
}

shown_keys(keys) := "no key" if {
	count(keys) == 0
} else := sprintf("keys: %s", [concat(", ", sort([k.key | some k in keys]))])
