package gavel.cloud_storage.storage_classification_declared_test

import rego.v1

import data.gavel.cloud_storage.storage_classification_declared as policy

store(labels, classification) := {"id": "aws:arn:aws:s3:::b", "kind": "AWS::S3::Bucket", "name": "b", "labels": labels, "classification": classification, "attributes": {}}

test_unclassified_store_denied if {
	[d.msg | some d in policy.deny] == ["AWS::S3::Bucket.b: no data classification; tag it data-classification with one of [\"public\", \"internal\", \"confidential\", \"personal\", \"special-category\"]"] with input as {"resource": store({"team": "ml"}, null)}
}

test_classified_by_tag_or_estate_allowed if {
	count(policy.deny) == 0 with input as {"resource": store({"classification": "Internal"}, null)}
	count(policy.deny) == 0 with input as {"resource": store({}, "personal")}
}

test_unknown_value_is_no_classification if {
	count(policy.deny) == 1 with input as {"resource": store({"data-classification": "secret-ish"}, null)}
}

test_exempt_label if {
	count(policy.deny) == 0 with input as {"resource": store({"gavel.dev/classification-exempt": "public website"}, null)} with data.gavel.data.cloud_storage.classified_kinds_exempt_labels as ["gavel.dev/classification-exempt"]
}
