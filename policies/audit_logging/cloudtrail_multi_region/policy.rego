# METADATA
# title: CloudTrail trails log every region and global service events
# description: >-
#   A trail records management events in all regions (is_multi_region_trail), including
#   global services such as IAM and STS (include_global_service_events), and is switched on
#   (enable_logging), so no API activity on the account escapes the audit trail.
# custom:
#   id: cloudtrail_multi_region
#   version: 1.0.0
#   severity: high
#   controls: [GVL-LOG-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: SEC, article: "Rule 17a-4(f)(2)(i)(A)"}
#     - {framework: NIST-800-53, article: "AU-2"}
#     - {framework: NIST-800-53, article: "AU-12(1)"}
#     - {framework: ISO-27001, article: "A.8.15"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 3.1"}
#   resource_kinds: [aws_cloudtrail]
#   remediation: |
#     resource "aws_cloudtrail" "account" {
#       is_multi_region_trail         = true
#       include_global_service_events = true
#       enable_logging                = true
#     }
package gavel.audit_logging.cloudtrail_multi_region

import rego.v1

import data.gavel.lib.checks

switches := ["is_multi_region_trail", "include_global_service_events", "enable_logging"]

deny contains checks.path_finding(input.resource, [name], true) if {
	some name in switches
	not checks.on(input.resource.attributes, [name])
}
