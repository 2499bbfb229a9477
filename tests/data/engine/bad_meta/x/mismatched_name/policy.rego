# METADATA
# title: A policy whose id does not match its folder
# custom:
#   id: some_other_name
#   severity: low
#   regulations:
#     - {framework: GDPR, article: "Art. 5"}
#   resource_kinds: [aws_s3_bucket]
#   remediation: Rename the folder to match the id.
package gavel.x.mismatched_name

import rego.v1

deny contains "x" if false
