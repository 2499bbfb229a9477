# METADATA
# title: Stores that pipelines write personal data into expire it
# description: >-
#   Lineage shows what labels may not: a bucket that is not itself classified personal, but
#   receives personal data from a pipeline (a dataset classified personal is stored in it, or a
#   job handling personal data writes it), must not keep that data forever (GDPR Art. 5(1)(e)
#   storage limitation): an S3 bucket needs an enabled lifecycle rule with an expiration (inline,
#   or an aws_s3_bucket_lifecycle_configuration that configures it), a Cloud Storage bucket a
#   lifecycle rule whose action is Delete. Stores classified personal themselves are judged by
#   retention.personal_data_expiry.
# custom:
#   id: personal_data_sink_without_retention
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-RET-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 5(1)(e)"}
#     - {framework: NIST-800-53, article: "SI-12"}
#     - {framework: ISO-27001, article: "A.8.10"}
#   resource_kinds: [aws_s3_bucket, google_storage_bucket]
#   remediation: |
#     Expire what the pipeline writes after the period your records of processing state:
#       resource "aws_s3_bucket_lifecycle_configuration" "features" {
#         bucket = aws_s3_bucket.features.id
#         rule {
#           id     = "expire-personal-data"
#           status = "Enabled"
#           filter {}
#           expiration { days = 365 }
#         }
#       }
package gavel.cross_layer.personal_data_sink_without_retention

import rego.v1

import data.gavel.lib.classification
import data.gavel.lib.graph
import data.gavel.lib.lifecycle
import data.gavel.lib.lifecycle.remedy as lifecycle_remedy

deny contains violation if {
	graph.is_storage(input.resource)
	not classification.is_personal(input.resource)
	writes := graph.personal_writes(input.resource.id)
	count(writes) > 0
	not lifecycle.expires(input.resource)
	writers := sort({w.writer | some w in writes})
	datasets := sort({w.dataset | some w in writes; is_string(w.dataset)})
	violation := {
		"msg": sprintf("%s receives personal data from %s (%s) but has no lifecycle rule that expires it; add %s", [
			graph.display(input.resource), concat(", ", writers), concat(", ", datasets), lifecycle_remedy[input.resource.kind],
		]),
		"details": {
			"field": "lifecycle_rule",
			"actual": null,
			"expected": lifecycle_remedy[input.resource.kind],
			"writers": writers,
			"datasets": datasets,
		},
	}
}
