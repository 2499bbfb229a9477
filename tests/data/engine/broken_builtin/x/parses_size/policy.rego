# METADATA
# title: Parses a size label that may not be a size
# custom:
#   id: parses_size
#   severity: low
#   regulations:
#     - {framework: ISO-27001, article: A.8.6}
#   resource_kinds: [aws_s3_bucket]
#   remediation: Label the bucket with a size such as 10Gi.
package gavel.x.parses_size

import rego.v1

deny contains "too big" if {
	units.parse_bytes(input.resource.labels.size) > 1000000000000
}
