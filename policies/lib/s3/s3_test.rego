package gavel.lib.s3_test

import rego.v1

import data.gavel.lib.terraform

import data.gavel.lib.s3

kms := {"sse_algorithm": "aws:kms", "kms_master_key_id": "arn:aws:kms:eu-west-1:111122223333:key/k"}

bucket(attributes) := {"id": "terraform:aws_s3_bucket.raw", "kind": "aws_s3_bucket", "name": "raw", "attributes": attributes}

separate_sse(bucket_name) := {"kind": "aws_s3_bucket_server_side_encryption_configuration", "attributes": {
	"bucket": bucket_name,
	"rule": [{"apply_server_side_encryption_by_default": [kms]}],
}}

test_inline_sse if {
	attrs := {"bucket": "raw", "server_side_encryption_configuration": [{"rule": [{"apply_server_side_encryption_by_default": [kms]}]}]}
	s3.sse_defaults(bucket(attrs)) == [kms]
}

test_separate_sse_matched_by_bucket_name if {
	estate := terraform.estate_document({"a": separate_sse("raw"), "b": separate_sse("other")})
	s3.sse_defaults(bucket({"bucket": "raw"})) == [kms] with data.gavel.estate as estate
}

test_no_sse if {
	s3.sse_defaults(bucket({"bucket": "raw", "server_side_encryption_configuration": []})) == []
}

test_undeterminable_when_names_unknown if {
	estate := terraform.estate_document({"a": separate_sse(null)})
	s3.undeterminable(bucket({"bucket": null}), "aws_s3_bucket_server_side_encryption_configuration") with data.gavel.estate as estate
	not s3.undeterminable(bucket({"bucket": "raw"}), "aws_s3_bucket_server_side_encryption_configuration") with data.gavel.estate as estate
}

tls_policy := json.marshal({"Version": "2012-10-17", "Statement": [{
	"Effect": "Deny", "Principal": "*", "Action": "s3:*",
	"Resource": ["arn:aws:s3:::raw", "arn:aws:s3:::raw/*"],
	"Condition": {"Bool": {"aws:SecureTransport": "false"}},
}]})

test_tls_only_inline_policy if {
	s3.tls_only(bucket({"bucket": "raw", "policy": tls_policy}))
}

test_tls_only_separate_policy if {
	estate := terraform.estate_document({"p": {"kind": "aws_s3_bucket_policy", "attributes": {"bucket": "raw", "policy": tls_policy}}})
	s3.tls_only(bucket({"bucket": "raw"})) with data.gavel.estate as estate
}

test_allow_statement_is_not_tls_only if {
	allow := json.marshal({"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}})
	not s3.tls_only(bucket({"bucket": "raw", "policy": allow}))
}

test_boolean_condition_value if {
	s3.denies_insecure_transport({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": false}}})
	s3.denies_insecure_transport({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": ["false"]}}})
}

test_invalid_policy_json_skipped if {
	s3.policy_documents(bucket({"bucket": "raw", "policy": "{not json"})) == []
}
