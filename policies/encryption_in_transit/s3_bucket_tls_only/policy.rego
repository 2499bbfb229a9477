# METADATA
# title: S3 buckets refuse requests without TLS
# description: >-
#   A bucket policy (inline `policy` or an aws_s3_bucket_policy naming the bucket) denies every
#   request where aws:SecureTransport is false, so data never crosses the network in clear.
#   When the bucket or policy is known only after apply, the policy warns instead of denying.
# custom:
#   id: s3_bucket_tls_only
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-TLS-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: NIST-800-53, article: "SC-8(1)"}
#     - {framework: ISO-27001, article: "A.8.24"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 2.1.2"}
#   resource_kinds: [aws_s3_bucket, AWS::S3::Bucket]
#   remediation: |
#     resource "aws_s3_bucket_policy" "raw" {
#       bucket = aws_s3_bucket.raw.id
#       policy = jsonencode({
#         Version = "2012-10-17"
#         Statement = [{
#           Sid = "DenyInsecureTransport", Effect = "Deny", Principal = "*", Action = "s3:*"
#           Resource  = [aws_s3_bucket.raw.arn, "${aws_s3_bucket.raw.arn}/*"]
#           Condition = { Bool = { "aws:SecureTransport" = "false" } }
#         }]
#       })
#     }
package gavel.encryption_in_transit.s3_bucket_tls_only

import rego.v1

import data.gavel.lib.s3
import data.gavel.lib.terraform

expected := "a Deny statement with Condition Bool aws:SecureTransport = false"

deny contains {
	"msg": sprintf("%s: no bucket policy denies requests without TLS; add a statement with Effect Deny and Condition {\"Bool\": {\"aws:SecureTransport\": \"false\"}}", [terraform.address(input.resource)]),
	"details": {"field": "policy", "actual": null, "expected": expected},
} if {
	not tls_only
	not undeterminable
}

warn contains {
	"msg": sprintf("%s: its bucket policy is known only after apply; check that it denies requests with aws:SecureTransport false", [terraform.address(input.resource)]),
	"details": {"field": "policy", "actual": null, "expected": expected},
} if {
	not tls_only
	undeterminable
}

# Asked once per evaluation: the deny and the warn both read it.
tls_only if s3.tls_only(input.resource)

undeterminable if s3.undeterminable(input.resource, "aws_s3_bucket_policy")

undeterminable if {
	some r in s3.attached(input.resource, "aws_s3_bucket_policy")
	not is_string(r.attributes.policy)
}
