# S3 bucket settings that may live on the bucket or on separate resources of the same plan.
#
# Since AWS provider v4, encryption and bucket policies are usually separate resources
# (aws_s3_bucket_server_side_encryption_configuration, aws_s3_bucket_policy) naming the bucket
# in their `bucket` argument; older code sets them inline. These helpers read both, matching
# separate resources to a bucket through the estate graph's `configures` edges.
package gavel.lib.s3

import rego.v1

import data.gavel.lib.cloud
import data.gavel.lib.settings
import data.gavel.lib.terraform

bucket_name(bucket) := bucket.attributes.bucket if is_string(bucket.attributes.bucket)

# Separate resources of `kind` that name this bucket: the estate graph's `configures` edges
# into it (by name or by a reference resolved in the plan), so the lookup reads the bucket's
# few neighbours instead of every resource of the kind.
attached(bucket, kind) := settings.of_kind(bucket, kind)

# Every `apply_server_side_encryption_by_default` object that applies to the bucket.
# An AWS Config bucket item (an export or `gavel audit --aws`) gives them in the same shape.
sse_defaults(bucket) := cloud.s3_sse_defaults(bucket) if {
	cloud.aws_item(bucket)
} else := array.concat(inline_sse_defaults(bucket.attributes), [d |
	some config in attached(bucket, "aws_s3_bucket_server_side_encryption_configuration")
	some d in sse_rule_defaults(config.attributes)
])

# sse_defaults of the bucket being judged, computed once per evaluation for every policy that
# reads it: the embedded runtime keeps a rule's value for the query, never a function's result.
input_sse_defaults := sse_defaults(input.resource)

inline_sse_defaults(attributes) := [d |
	some config in terraform.blocks(attributes, "server_side_encryption_configuration")
	some d in sse_rule_defaults(config)
]

sse_rule_defaults(config) := [d |
	some rule in terraform.blocks(config, "rule")
	some d in terraform.blocks(rule, "apply_server_side_encryption_by_default")
]

# True when a KMS key of the bucket's default encryption (inline or on a separate
# configuration resource) is known only after apply, e.g. a key created in the same plan.
kms_key_unknown(bucket) if {
	terraform.unknown(bucket, ["server_side_encryption_configuration", "rule", "apply_server_side_encryption_by_default", "kms_master_key_id"])
}

kms_key_unknown(bucket) if {
	some config in attached(bucket, "aws_s3_bucket_server_side_encryption_configuration")
	terraform.unknown(config, ["rule", "apply_server_side_encryption_by_default", "kms_master_key_id"])
}

# True when separate resources could apply but cannot be matched: the bucket's name is not
# known until apply, and the plan holds resources of `kind` for unknown buckets.
undeterminable(bucket, kind) if {
	not bucket_name(bucket)
	some r in terraform.estate_resources(kind)
	not is_string(r.attributes.bucket)
}

# Bucket policy documents (parsed) that apply to the bucket: inline `policy` and
# aws_s3_bucket_policy resources naming it. Unparseable or unknown documents are skipped.
policy_documents(bucket) := [doc |
	some text in array.concat(
		array.concat([object.get(bucket.attributes, "policy", null)], cloud.s3_policy_texts(bucket)),
		[r.attributes.policy | some r in attached(bucket, "aws_s3_bucket_policy")],
	)
	is_string(text)
	json.is_valid(text)
	doc := json.unmarshal(text)
]

# Statements of a policy document, whether `Statement` is one object or a list.
statements(doc) := doc.Statement if is_array(doc.Statement)

statements(doc) := [doc.Statement] if is_object(doc.Statement)

# True when a statement denies any S3 action on requests without TLS.
denies_insecure_transport(statement) if {
	statement.Effect == "Deny"
	some condition in ["Bool", "BoolIfExists"]
	value := statement.Condition[condition]["aws:SecureTransport"]
	lower(sprintf("%v", [value])) in {"false", "[\"false\"]", "[false]"}
}

tls_only(bucket) if {
	some doc in policy_documents(bucket)
	some statement in statements(doc)
	denies_insecure_transport(statement)
}
