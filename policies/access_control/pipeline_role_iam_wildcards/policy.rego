# METADATA
# title: IAM policies of pipeline and ML roles name their actions and resources
# description: >-
#   A role that runs pipelines or models (trusted by SageMaker, Glue, Step Functions, Batch, EMR
#   or MWAA, or tagged workload-type: pipeline/ml/training/..., data/access_control.yaml) gets
#   least privilege: no Allow statement of its inline policies (inline_policy blocks, or
#   aws_iam_role_policy resources naming the role) grants `*` or `<service>:*` actions, uses
#   NotAction, or applies to `"Resource": "*"` (except actions AWS grants only on `*`,
#   resource_wildcard_actions). A policy whose role is known only after apply is not judged.
# custom:
#   id: pipeline_role_iam_wildcards
#   version: 1.0.0
#   severity: high
#   controls: [GVL-IAM-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 25(2)"}
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AC-6"}
#     - {framework: ISO-27001, article: "A.5.15"}
#     - {framework: ISO-27001, article: "A.8.2"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 1.16"}
#   resource_kinds: [aws_iam_role, aws_iam_role_policy]
#   remediation: |
#     resource "aws_iam_role_policy" "training" {
#       role = aws_iam_role.training.name
#       policy = jsonencode({
#         Version = "2012-10-17"
#         Statement = [{
#           Effect   = "Allow"
#           Action   = ["s3:GetObject", "s3:ListBucket"]
#           Resource = [aws_s3_bucket.features.arn, "${aws_s3_bucket.features.arn}/*"]
#         }]
#       })
#     }
package gavel.access_control.pipeline_role_iam_wildcards

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.iam
import data.gavel.lib.terraform

attributes := input.resource.attributes

# {field, grants} for each policy document the resource gives a pipeline role that grants
# wildcards (the role is looked up only for documents that do).
documents contains {"field": sprintf("inline_policy[%s].policy", [object.get(p, "name", i)]), "grants": grants} if {
	input.resource.kind == "aws_iam_role"
	some i, p in terraform.blocks(attributes, "inline_policy")
	grants := iam.wildcard_grants(iam.document(p.policy))
	count(grants) > 0
	iam.pipeline_role(input.resource)
}

documents contains {"field": "policy", "grants": grants} if {
	input.resource.kind == "aws_iam_role_policy"
	grants := iam.wildcard_grants(iam.document(attributes.policy))
	count(grants) > 0
	iam.names_pipeline_role(attributes)
}

deny contains checks.finding(
	terraform.address(input.resource),
	sprintf("%s Statement %s %s", [d.field, grant.statement, grant.field]),
	grant.values,
	expected[grant.field],
) if {
	some d in documents
	some grant in d.grants
}

expected := {
	"Action": "the actions the pipeline calls, by name",
	"Resource": "the ARNs of the buckets, tables and keys it uses",
}
