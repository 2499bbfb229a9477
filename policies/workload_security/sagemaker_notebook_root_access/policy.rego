# METADATA
# title: SageMaker notebook users have no root access
# description: >-
#   A SageMaker notebook instance sets root_access to "Disabled" (SageMaker enables it by
#   default), so notebook users cannot install software outside the lifecycle configuration,
#   change the instance's network and security settings, or read other users' files.
# custom:
#   id: sagemaker_notebook_root_access
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-WLS-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AC-6(2)"}
#     - {framework: ISO-27001, article: "A.8.2"}
#   resource_kinds: [aws_sagemaker_notebook_instance]
#   remediation: |
#     resource "aws_sagemaker_notebook_instance" "research" {
#       root_access = "Disabled"
#     }
package gavel.workload_security.sagemaker_notebook_root_access

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

access := object.get(input.resource.attributes, "root_access", null)

deny contains checks.finding(terraform.address(input.resource), "root_access", access, "Disabled") if {
	access != "Disabled"
}
