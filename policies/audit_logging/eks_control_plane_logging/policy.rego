# METADATA
# title: EKS clusters send API server, audit and authenticator logs to CloudWatch
# description: >-
#   The control-plane log types named by the eks_log_types parameter (data/audit_logging.yaml;
#   api, audit and authenticator by default) are listed in enabled_cluster_log_types, so every
#   request to the Kubernetes API, and who made it, is recorded.
# custom:
#   id: eks_control_plane_logging
#   version: 1.0.0
#   severity: high
#   controls: [GVL-LOG-04]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AU-2"}
#     - {framework: NIST-800-53, article: "AU-12"}
#     - {framework: ISO-27001, article: "A.8.15"}
#     - {framework: CIS, article: "EKS 1.4.0 2.1.1"}
#   resource_kinds: [aws_eks_cluster]
#   remediation: |
#     resource "aws_eks_cluster" "ml" {
#       enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
#     }
package gavel.audit_logging.eks_control_plane_logging

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

required := object.get(checks.parameters("audit_logging"), "eks_log_types", ["api", "audit", "authenticator"])

enabled := object.get(input.resource.attributes, "enabled_cluster_log_types", null)

missing := [t | some t in required; not t in checks.items(input.resource.attributes, "enabled_cluster_log_types")]

deny contains finding if {
	count(missing) > 0
	base := checks.finding(terraform.address(input.resource), "enabled_cluster_log_types", enabled, required)
	finding := object.union(base, {"details": {"missing": missing}})
}
