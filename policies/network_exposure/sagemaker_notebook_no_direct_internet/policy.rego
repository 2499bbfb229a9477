# METADATA
# title: SageMaker notebooks reach the internet only through the VPC
# description: >-
#   A SageMaker notebook instance runs in a subnet of the controller's VPC (subnet_id) with
#   direct_internet_access "Disabled", so traffic to and from the notebook, which often holds
#   training data, passes the VPC's security groups, endpoints and egress controls. SageMaker
#   enables direct internet access by default.
# custom:
#   id: sagemaker_notebook_no_direct_internet
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-05]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: EU-AI-ACT, article: "Art. 15(5)"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: ISO-27001, article: "A.8.20"}
#   resource_kinds: [aws_sagemaker_notebook_instance]
#   remediation: |
#     resource "aws_sagemaker_notebook_instance" "research" {
#       subnet_id              = aws_subnet.private.id
#       security_groups        = [aws_security_group.notebooks.id]
#       direct_internet_access = "Disabled"
#     }
package gavel.network_exposure.sagemaker_notebook_no_direct_internet

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

access := object.get(input.resource.attributes, "direct_internet_access", null)

deny contains checks.finding(terraform.address(input.resource), "direct_internet_access", access, "Disabled") if {
	access != "Disabled"
}

deny contains checks.finding(terraform.address(input.resource), "subnet_id", null, subnet) if {
	access == "Disabled"
	not terraform.has_value(input.resource.attributes, "subnet_id")
	not terraform.unknown(input.resource, ["subnet_id"])
}

warn contains checks.after_apply(terraform.address(input.resource), "subnet_id", subnet) if {
	access == "Disabled"
	terraform.unknown(input.resource, ["subnet_id"])
}

subnet := "a private subnet of your VPC"
