# METADATA
# title: Test buckets are encrypted at rest
# description: A small policy for the engine's own tests.
# custom:
#   id: bucket_encrypted
#   version: 1.2.0
#   severity: high
#   controls: [TEST-ENC-1]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: NIST-800-53, article: SC-28}
#   resource_kinds: [aws_s3_bucket]
#   remediation: Add a server_side_encryption_configuration block with sse_algorithm aws:kms.
package gavel.storage.bucket_encrypted

import rego.v1

deny contains {"msg": sprintf("%s: server_side_encryption_configuration is missing", [input.resource.id]), "details": {"field": "server_side_encryption_configuration"}} if {
	count(object.get(input.resource.attributes, "server_side_encryption_configuration", [])) == 0
}

warn contains {"msg": sprintf("%s holds personal data", [input.resource.id])} if {
	input.resource.classification == "personal"
}
