# METADATA
# title: EKS API endpoints are private or limited to known networks
# description: >-
#   An EKS cluster either disables its public API endpoint (vpc_config.endpoint_public_access =
#   false, with endpoint_private_access) or limits it to named networks in public_access_cidrs.
#   The public endpoint is on by default and, without public_access_cidrs, open to 0.0.0.0/0;
#   CIDRs the provider computes at apply are a warning to check.
# custom:
#   id: eks_endpoint_restricted
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-04]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: NIST-800-53, article: "AC-17"}
#     - {framework: ISO-27001, article: "A.8.22"}
#     - {framework: CIS, article: "EKS 1.4.0 5.4.1"}
#     - {framework: CIS, article: "EKS 1.4.0 5.4.2"}
#   resource_kinds: [aws_eks_cluster]
#   remediation: |
#     resource "aws_eks_cluster" "ml" {
#       vpc_config {
#         endpoint_private_access = true
#         endpoint_public_access  = false   # or true with public_access_cidrs = ["203.0.113.0/24"]
#       }
#     }
package gavel.network_exposure.eks_endpoint_restricted

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

public_cidrs := object.get(checks.parameters("network_exposure"), "public_api_cidrs", ["0.0.0.0/0", "::/0"])

expected := "false endpoint_public_access, or named networks"

field := "vpc_config.public_access_cidrs"

deny contains checks.finding(terraform.address(input.resource), field, cidrs, expected) if {
	some config in public_endpoints
	cidrs := object.get(config, "public_access_cidrs", null)
	open_to_all(cidrs)
	not terraform.unknown(input.resource, ["vpc_config", "public_access_cidrs"])
}

warn contains checks.after_apply(terraform.address(input.resource), field, expected) if {
	count(public_endpoints) > 0
	terraform.unknown(input.resource, ["vpc_config", "public_access_cidrs"])
}

public_endpoints := [config |
	some config in terraform.blocks(input.resource.attributes, "vpc_config")
	not terraform.is_false(object.get(config, "endpoint_public_access", true))
]

# Unset (or empty) means the EKS default, 0.0.0.0/0.
open_to_all(cidrs) if cidrs == null

open_to_all(cidrs) if cidrs == []

open_to_all(cidrs) if {
	is_array(cidrs)
	some cidr in cidrs
	cidr in public_cidrs
}
