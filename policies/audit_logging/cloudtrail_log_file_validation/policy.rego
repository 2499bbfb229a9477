# METADATA
# title: CloudTrail log file integrity validation is enabled
# description: >-
#   CloudTrail signs a digest of every log file it delivers (enable_log_file_validation), so a
#   log file changed or deleted after delivery is detected: audit records stay usable as
#   evidence.
# custom:
#   id: cloudtrail_log_file_validation
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-LOG-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 5(1)(f)"}
#     - {framework: SEC, article: "Rule 17a-4(f)(2)(i)(A)"}
#     - {framework: NIST-800-53, article: "AU-9(3)"}
#     - {framework: ISO-27001, article: "A.8.15"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 3.2"}
#   resource_kinds: [aws_cloudtrail]
#   remediation: |
#     resource "aws_cloudtrail" "account" {
#       enable_log_file_validation = true
#     }
package gavel.audit_logging.cloudtrail_log_file_validation

import rego.v1

import data.gavel.lib.checks

deny contains checks.path_finding(input.resource, ["enable_log_file_validation"], true) if {
	not checks.on(input.resource.attributes, ["enable_log_file_validation"])
}
