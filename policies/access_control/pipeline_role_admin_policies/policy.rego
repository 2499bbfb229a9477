# METADATA
# title: Pipeline and ML roles carry no administrator or full-access managed policies
# description: >-
#   A role that runs pipelines or models (see pipeline_role_iam_wildcards) is not given an AWS
#   managed policy that grants administration or a whole service (AdministratorAccess,
#   PowerUserAccess, IAMFullAccess, AmazonS3FullAccess, AmazonSageMakerFullAccess, ...: the
#   privileged_managed_policies parameter, data/access_control.yaml), through an
#   aws_iam_role_policy_attachment naming the role or the role's managed_policy_arns.
# custom:
#   id: pipeline_role_admin_policies
#   version: 1.0.0
#   severity: high
#   controls: [GVL-IAM-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 25(2)"}
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AC-6(1)"}
#     - {framework: ISO-27001, article: "A.8.2"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 1.16"}
#   resource_kinds: [aws_iam_role_policy_attachment, aws_iam_role]
#   remediation: |
#     Replace the managed policy with one scoped to what the pipeline uses:
#       resource "aws_iam_role_policy_attachment" "training" {
#         role       = aws_iam_role.training.name
#         policy_arn = aws_iam_policy.training_data_read.arn
#       }
package gavel.access_control.pipeline_role_admin_policies

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.iam
import data.gavel.lib.iam.params as iam_params
import data.gavel.lib.terraform

privileged := object.get(iam_params, "privileged_managed_policies", [])

attributes := input.resource.attributes

deny contains finding("policy_arn", attributes.policy_arn) if {
	input.resource.kind == "aws_iam_role_policy_attachment"
	attributes.policy_arn in privileged
	iam.names_pipeline_role(attributes)
}

deny contains finding("managed_policy_arns", arn) if {
	input.resource.kind == "aws_iam_role"
	some arn in checks.items(attributes, "managed_policy_arns")
	arn in privileged
	iam.pipeline_role(input.resource)
}

finding(field, arn) := checks.finding(terraform.address(input.resource), field, arn, "a policy scoped to the pipeline's own actions and resources")
