package gavel.network_exposure.s3_public_acl_test

import rego.v1

import data.gavel.lib.graph

import data.gavel.network_exposure.s3_public_acl as policy

bucket(attributes) := {"id": "terraform:aws_s3_bucket.data", "kind": "aws_s3_bucket", "name": "data", "attributes": attributes}

all_users := "http://acs.amazonaws.com/groups/global/AllUsers"

test_public_read_denied if {
	[d.msg | some d in policy.deny] == ["aws_s3_bucket.data: acl is public-read; set acl to private"] with input as {"resource": bucket({"acl": "public-read"})}
}

test_private_and_log_delivery_allowed if {
	count(policy.deny) == 0 with input as {"resource": bucket({"acl": "private"})}
	count(policy.deny) == 0 with input as {"resource": bucket({"acl": "log-delivery-write", "grant": [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/s3/LogDelivery"}]})}
}

test_inline_grant_to_all_users_denied if {
	resource := bucket({"grant": [{"type": "Group", "uri": all_users, "permissions": ["READ"]}]})
	[d.details.actual | some d in policy.deny] == [all_users] with input as {"resource": resource}
}

test_separate_acl_resource if {
	b := bucket({"bucket": "data"})
	acl := {"id": "acl", "kind": "aws_s3_bucket_acl", "attributes": {"acl": "public-read-write"}}
	grants := {"id": "acl", "kind": "aws_s3_bucket_acl", "attributes": {"access_control_policy": [{"grant": [{"grantee": [{"type": "Group", "uri": all_users}], "permission": "READ"}]}]}}
	edges := [{"from": "acl", "to": b.id, "type": "configures"}]
	[d.details.field | some d in policy.deny] == ["aws_s3_bucket_acl.acl"] with input as {"resource": b} with data.gavel.estate as graph.estate_document({b.id: b, "acl": acl}, edges)
	[d.details.field | some d in policy.deny] == ["aws_s3_bucket_acl.acl grant grantee uri"] with input as {"resource": b} with data.gavel.estate as graph.estate_document({b.id: b, "acl": grants}, edges)
}
