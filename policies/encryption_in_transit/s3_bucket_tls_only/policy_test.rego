package gavel.encryption_in_transit.s3_bucket_tls_only_test

import rego.v1

import data.gavel.lib.terraform

import data.gavel.encryption_in_transit.s3_bucket_tls_only as policy

bucket(attributes) := {"id": "terraform:aws_s3_bucket.raw", "kind": "aws_s3_bucket", "name": "raw", "attributes": attributes}

tls_policy := json.marshal({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})

test_no_policy_denied if {
	some d in policy.deny with input as {"resource": bucket({"bucket": "raw", "policy": null})}
	startswith(d.msg, "aws_s3_bucket.raw: no bucket policy denies requests without TLS")
}

test_inline_tls_policy_allowed if {
	count(policy.deny) == 0 with input as {"resource": bucket({"bucket": "raw", "policy": tls_policy})}
}

test_separate_policy_allowed if {
	estate := {"p": {"kind": "aws_s3_bucket_policy", "attributes": {"bucket": "raw", "policy": tls_policy}}}
	count(policy.deny) == 0 with input as {"resource": bucket({"bucket": "raw"})} with data.gavel.estate as terraform.estate_document(estate)
}

test_policy_known_after_apply_warns if {
	estate := {"p": {"kind": "aws_s3_bucket_policy", "attributes": {"bucket": "raw"}}}
	count(policy.deny) == 0 with input as {"resource": bucket({"bucket": "raw"})} with data.gavel.estate as terraform.estate_document(estate)
	count(policy.warn) == 1 with input as {"resource": bucket({"bucket": "raw"})} with data.gavel.estate as terraform.estate_document(estate)
}

test_policy_without_tls_statement_denied if {
	other := json.marshal({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]})
	count(policy.deny) == 1 with input as {"resource": bucket({"bucket": "raw", "policy": other})}
}
