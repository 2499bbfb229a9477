package gavel.access_control.pipeline_role_admin_policies_test

import rego.v1

import data.gavel.lib.terraform

import data.gavel.access_control.pipeline_role_admin_policies as policy

admin := "arn:aws:iam::aws:policy/AdministratorAccess"

trust := json.marshal({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "sagemaker.amazonaws.com"}}]})

role(managed) := {"id": "terraform:aws_iam_role.training", "kind": "aws_iam_role", "name": "training", "labels": {}, "attributes": {"name": "training", "assume_role_policy": trust, "managed_policy_arns": managed}}

attachment(arn) := {"id": "terraform:aws_iam_role_policy_attachment.training", "kind": "aws_iam_role_policy_attachment", "name": "training", "attributes": {"role": "training", "policy_arn": arn}}

estate := terraform.estate_document({"r": role([])})

test_admin_attachment_denied if {
	[d.msg | some d in policy.deny] == ["aws_iam_role_policy_attachment.training: policy_arn is arn:aws:iam::aws:policy/AdministratorAccess; set policy_arn to a policy scoped to the pipeline's own actions and resources"] with input as {"resource": attachment(admin)} with data.gavel.estate as estate
}

test_scoped_attachment_allowed if {
	count(policy.deny) == 0 with input as {"resource": attachment("arn:aws:iam::111122223333:policy/training-data-read")} with data.gavel.estate as estate
}

test_attachment_to_other_role_not_judged if {
	count(policy.deny) == 0 with input as {"resource": attachment(admin)} with data.gavel.estate as terraform.estate_document({})
}

test_managed_policy_arns_on_role if {
	some d in policy.deny with input as {"resource": role([admin])}
	d.details.field == "managed_policy_arns"
}
