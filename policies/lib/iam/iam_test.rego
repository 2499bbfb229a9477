package gavel.lib.iam_test

import rego.v1

import data.gavel.lib.iam
import data.gavel.lib.terraform

policy(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

test_action_wildcards if {
	doc := iam.document(policy([{"Effect": "Allow", "Action": ["s3:*", "s3:GetObject", "*"], "Resource": "arn:aws:s3:::raw/*"}]))
	iam.wildcard_grants(doc) == [{"statement": "#0", "field": "Action", "values": ["s3:*", "*"]}]
}

test_deny_statements_are_not_grants if {
	doc := iam.document(policy([{"Effect": "Deny", "Action": "*", "Resource": "*"}]))
	iam.wildcard_grants(doc) == []
}

test_resource_wildcard_except_star_only_actions if {
	doc := iam.document(policy([
		{"Sid": "Ecr", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
		{"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"},
	]))
	iam.wildcard_grants(doc) == [{"statement": "Read", "field": "Resource", "values": ["*"]}]
}

test_not_action_is_a_wildcard if {
	doc := iam.document(policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}))
	[g.field | some g in iam.wildcard_grants(doc)] == ["Action", "Resource"]
}

test_unparseable_document_is_undefined if {
	not iam.document("{not json")
	not iam.document(null)
}

role(tags, service) := {"kind": "aws_iam_role", "labels": tags, "attributes": {
	"name": "train",
	"assume_role_policy": policy([{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}]),
}}

test_pipeline_role_by_trust_or_tag if {
	iam.pipeline_role(role({}, "sagemaker.amazonaws.com"))
	iam.pipeline_role(role({"workload-type": "Training"}, "ec2.amazonaws.com"))
	iam.pipeline_role(role({}, ["ec2.amazonaws.com", "glue.amazonaws.com"]))
	not iam.pipeline_role(role({}, "ec2.amazonaws.com"))
}

test_names_pipeline_role_through_the_estate if {
	estate := terraform.estate_document({"r": role({}, "sagemaker.amazonaws.com")})
	iam.names_pipeline_role({"role": "train"}) with data.gavel.estate as estate
	not iam.names_pipeline_role({"role": "other"}) with data.gavel.estate as estate
	not iam.names_pipeline_role({"role": null}) with data.gavel.estate as estate
}

test_gcp_grants_of_each_shape if {
	iam.grants({"kind": "google_project_iam_member", "attributes": {"role": "roles/owner", "member": "user:a@example.com"}}) == [{"role": "roles/owner", "member": "user:a@example.com"}]
	iam.grants({"kind": "google_folder_iam_binding", "attributes": {"role": "roles/editor", "members": ["serviceAccount:x@p.iam.gserviceaccount.com"]}}) == [{"role": "roles/editor", "member": "serviceAccount:x@p.iam.gserviceaccount.com"}]
	policy_data := json.marshal({"bindings": [{"role": "roles/viewer", "members": ["group:g@example.com"]}]})
	iam.grants({"kind": "google_project_iam_policy", "attributes": {"policy_data": policy_data}}) == [{"role": "roles/viewer", "member": "group:g@example.com"}]
}

test_service_account_member if {
	iam.service_account("serviceAccount:x@p.iam.gserviceaccount.com")
	not iam.service_account("user:a@example.com")
}
