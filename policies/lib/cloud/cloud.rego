# Reading cloud inventories: AWS Config configuration items (exports and `gavel audit --aws`),
# GCP Cloud Asset Inventory assets and Azure Resource Graph rows.
#
# Inventory resources keep their source shape as attributes: an AWS item's settings are under
# `configuration` and `supplementaryConfiguration`, a GCP asset's under `resource.data`, an
# Azure row's under `properties`. These helpers read them, and let rules written for Terraform
# (S3 default encryption, bucket policies) read an inventory bucket in the same terms.
package gavel.lib.cloud

import rego.v1

import data.gavel.lib.terraform

# AWS Config item, GCP asset or Azure row.
aws_item(resource) if startswith(resource.kind, "AWS::")

gcp_asset(resource) if contains(resource.kind, ".googleapis.com/")

azure_row(resource) if startswith(resource.kind, "microsoft.")

inventory(resource) if aws_item(resource)

inventory(resource) if gcp_asset(resource)

inventory(resource) if azure_row(resource)

# An AWS item's `configuration`, a GCP asset's `resource.data`, an Azure row's `properties`.
settings(resource) := object.get(resource.attributes, "configuration", {}) if {
	aws_item(resource)
} else := object.get(resource.attributes, ["resource", "data"], {}) if {
	gcp_asset(resource)
} else := object.get(resource.attributes, "properties", {}) if {
	azure_row(resource)
} else := {}

# One entry of an AWS item's supplementaryConfiguration; undefined when absent or null.
supplementary(resource, name) := value if {
	value := resource.attributes.supplementaryConfiguration[name]
	value != null
}

# The field a user changes to move an inventory resource, for residency messages.
location_field(resource) := "awsRegion (the region it was created in)" if {
	aws_item(resource)
} else := "location" if {
	inventory(resource)
}

# S3 default encryption of a Config bucket item, in the Terraform shape gavel.lib.s3 returns.
s3_sse_defaults(resource) := [{"sse_algorithm": d.sseAlgorithm, "kms_master_key_id": object.get(d, "kmsMasterKeyID", null)} |
	some rule in object.get(resource.attributes, ["supplementaryConfiguration", "ServerSideEncryptionConfiguration", "rules"], [])
	d := rule.applyServerSideEncryptionByDefault
	is_object(d)
]

# The bucket policy text of a Config bucket item (null when the bucket has none).
s3_policy_texts(resource) := [text |
	text := object.get(resource.attributes, ["supplementaryConfiguration", "BucketPolicy", "policyText"], null)
	is_string(text)
]

# KMS keys of the estate answering to `ref` (key id, key ARN, alias name or alias ARN).
kms_keys(ref) := [k |
	some k in terraform.estate_resources("AWS::KMS::Key")
	ref in key_names(k)
]

key_names(key) := {n |
	some n in [key.attributes.configuration.keyId, key.attributes.configuration.arn]
} | {n |
	some alias in object.get(key.attributes, ["supplementaryConfiguration", "Aliases"], [])
	some n in [alias.aliasName, alias.aliasArn]
}

# True when `ref` names a key the customer manages: a key is named, it is not an AWS-managed
# alias (alias/aws/s3), and if the key itself was collected its keyManager is CUSTOMER.
customer_managed_key(ref) if {
	is_string(ref)
	ref != ""
	not contains(ref, "alias/aws/")
	every k in kms_keys(ref) {
		k.attributes.configuration.keyManager == "CUSTOMER"
	}
}
