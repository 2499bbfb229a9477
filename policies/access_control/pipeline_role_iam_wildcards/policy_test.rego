package gavel.access_control.pipeline_role_iam_wildcards_test

import rego.v1

import data.gavel.lib.terraform

import data.gavel.access_control.pipeline_role_iam_wildcards as policy

trust(service) := json.marshal({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}]})

document(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

wide := document([{"Effect": "Allow", "Action": ["s3:*", "sagemaker:CreateTrainingJob"], "Resource": "*"}])

narrow := document([{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::features/*"}])

role(service, inline) := {"id": "terraform:aws_iam_role.training", "kind": "aws_iam_role", "name": "training", "labels": {}, "attributes": {
	"name": "training", "assume_role_policy": trust(service), "inline_policy": inline,
}}

role_policy(role_name, text) := {"id": "terraform:aws_iam_role_policy.training", "kind": "aws_iam_role_policy", "name": "training", "attributes": {"role": role_name, "policy": text}}

test_inline_wildcards_on_pipeline_role_denied if {
	msgs := {d.msg | some d in policy.deny} with input as {"resource": role("sagemaker.amazonaws.com", [{"name": "train", "policy": wide}])}
	msgs == {
		`aws_iam_role.training: inline_policy[train].policy Statement #0 Action is ["s3:*"]; set inline_policy[train].policy Statement #0 Action to the actions the pipeline calls, by name`,
		`aws_iam_role.training: inline_policy[train].policy Statement #0 Resource is ["*"]; set inline_policy[train].policy Statement #0 Resource to the ARNs of the buckets, tables and keys it uses`,
	}
}

test_named_grants_allowed if {
	count(policy.deny) == 0 with input as {"resource": role("glue.amazonaws.com", [{"name": "read", "policy": narrow}])}
}

test_other_roles_not_judged if {
	count(policy.deny) == 0 with input as {"resource": role("ec2.amazonaws.com", [{"name": "all", "policy": wide}])}
}

test_role_policy_of_pipeline_role_denied if {
	estate := terraform.estate_document({"r": role("sagemaker.amazonaws.com", [])})
	count(policy.deny) == 2 with input as {"resource": role_policy("training", wide)} with data.gavel.estate as estate
	count(policy.deny) == 0 with input as {"resource": role_policy("training", narrow)} with data.gavel.estate as estate
}

test_role_policy_with_unknown_role_not_judged if {
	estate := terraform.estate_document({"r": role("sagemaker.amazonaws.com", [])})
	count(policy.deny) == 0 with input as {"resource": object.remove(role_policy("x", wide), ["attributes"])} with data.gavel.estate as estate
	count(policy.deny) == 0 with input as {"resource": role_policy(null, wide)} with data.gavel.estate as estate
}
