package gavel.network_exposure.s3_public_access_block_test

import rego.v1

import data.gavel.lib.graph

import data.gavel.network_exposure.s3_public_access_block as policy

bucket(class) := {"id": "terraform:aws_s3_bucket.customers", "kind": "aws_s3_bucket", "name": "customers", "classification": class, "attributes": {"bucket": "customers"}}

block(values) := {"id": "pab", "kind": "aws_s3_bucket_public_access_block", "attributes": values}

all_on := {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}

estate(b, others) := graph.estate_document(object.union({b.id: b}, {r.id: r | some r in others}), [{"from": r.id, "to": b.id, "type": "configures"} | some r in others; r.kind == "aws_s3_bucket_public_access_block"])

test_block_with_all_switches_allowed if {
	b := bucket("personal")
	count(policy.deny) == 0 with input as {"resource": b} with data.gavel.estate as estate(b, [block(all_on)])
}

test_switch_turned_off_denied if {
	b := bucket(null)
	[d.msg | some d in policy.deny] == ["aws_s3_bucket.customers: aws_s3_bucket_public_access_block.restrict_public_buckets is false; set aws_s3_bucket_public_access_block.restrict_public_buckets to true"] with input as {"resource": b}
		with data.gavel.estate as estate(b, [block(object.union(all_on, {"restrict_public_buckets": false}))])
}

test_personal_bucket_without_block_denied if {
	some d in policy.deny with input as {"resource": bucket("personal")}
	d.details.field == "aws_s3_bucket_public_access_block"
}

test_public_bucket_without_block_not_judged if {
	count(policy.deny) == 0 with input as {"resource": bucket("public")}
}

test_account_block_covers_buckets if {
	b := bucket("personal")
	account := {"id": "acct", "kind": "aws_s3_account_public_access_block", "attributes": all_on}
	count(policy.deny) == 0 with input as {"resource": b} with data.gavel.estate as object.union(estate(b, [account]), {"by_kind": {"aws_s3_account_public_access_block": ["acct"]}})
}

config_bucket(block) := {"id": "aws:arn:aws:s3:::customers", "kind": "AWS::S3::Bucket", "name": "customers", "classification": "personal", "attributes": {"supplementaryConfiguration": {"PublicAccessBlockConfiguration": block}}}

test_config_item_switches if {
	all_on := {"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}
	count(policy.deny) == 0 with input as {"resource": config_bucket(all_on)}
	[d.details.field | some d in policy.deny] == ["aws_s3_bucket_public_access_block.restrict_public_buckets"] with input as {"resource": config_bucket(object.union(all_on, {"restrictPublicBuckets": false}))}
}

test_config_item_without_block if {
	resource := {"id": "aws:b", "kind": "AWS::S3::Bucket", "name": "b", "classification": "personal", "attributes": {"supplementaryConfiguration": {}}}
	[d.details.field | some d in policy.deny] == ["aws_s3_bucket_public_access_block"] with input as {"resource": resource} with data.gavel.data.network_exposure.public_access_block_classifications as ["personal"]
}
