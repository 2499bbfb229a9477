package gavel.data_residency.personal_data_storage_location_test

import rego.v1

import data.gavel.data_residency.personal_data_storage_location as policy
import data.gavel.lib.regions

s3(region, classification) := {
	"id": "terraform:aws_s3_bucket.customers", "kind": "aws_s3_bucket", "name": "customers",
	"attributes": {"bucket": "customers"}, "labels": {}, "region": region, "classification": classification,
}

test_personal_bucket_in_us_denied if {
	some d in policy.deny with input as {"resource": s3("us-east-1", "personal")}
	d.details == {"field": "the provider region", "actual": "us-east-1", "expected": regions.eea_example}
	contains(d.msg, "aws_s3_bucket.customers: personal data outside the EEA")
	contains(d.msg, `region "us-east-1" is in US`)
}

test_personal_bucket_in_eea_allowed if {
	count(policy.deny) == 0 with input as {"resource": s3("eu-central-1", "personal")}
}

test_adequate_country_allowed if {
	count(policy.deny) == 0 with input as {"resource": s3("eu-west-2", "special-category")}
}

test_non_personal_bucket_anywhere_allowed if {
	count(policy.deny) == 0 with input as {"resource": s3("us-east-1", "confidential")}
	count(policy.deny) == 0 with input as {"resource": s3("us-east-1", null)}
}

test_unknown_region_denied_and_named if {
	some d in policy.deny with input as {"resource": s3("moon-base-1", "personal")}
	contains(d.msg, "not in the regions table")
}

test_missing_region_denied if {
	some d in policy.deny with input as {"resource": s3(null, "personal")}
	contains(d.msg, "unknown region")
}

test_gcs_multi_region_us_denied if {
	bucket := {"id": "terraform:google_storage_bucket.b", "kind": "google_storage_bucket", "name": "b", "attributes": {"location": "US"}, "region": "europe-west4", "classification": "personal"}
	some d in policy.deny with input as {"resource": bucket}
	d.details.field == "location"
}

test_gcs_eu_multi_region_allowed if {
	bucket := {"id": "terraform:google_storage_bucket.b", "kind": "google_storage_bucket", "name": "b", "attributes": {"location": "EU"}, "region": null, "classification": "personal"}
	count(policy.deny) == 0 with input as {"resource": bucket}
}

test_azure_display_name_location if {
	account := {"id": "terraform:azurerm_storage_account.a", "kind": "azurerm_storage_account", "name": "a", "attributes": {"location": "East US"}, "classification": "personal"}
	count(policy.deny) == 1 with input as {"resource": account}
	count(policy.deny) == 0 with input as {"resource": object.union(account, {"attributes": {"location": "West Europe"}})}
}

test_user_data_can_mark_region_adequate if {
	table := {"us-east-1": {"country": "US", "eea": false, "adequacy": true}}
	count(policy.deny) == 0 with input as {"resource": s3("us-east-1", "personal")} with data.gavel.data.regions as table
}

test_inventory_buckets_are_judged_by_their_region if {
	item := {"id": "aws:arn:aws:s3:::customers", "kind": "AWS::S3::Bucket", "name": "customers", "region": "us-east-2", "labels": {"data-classification": "personal"}, "attributes": {"awsRegion": "us-east-2", "availabilityZone": "Regional"}}
	[d.details.field | some d in policy.deny] == ["awsRegion (the region it was created in)"] with input as {"resource": item}
	gcs := {"id": "gcp://storage.googleapis.com/customers", "kind": "storage.googleapis.com/Bucket", "name": "customers", "region": "eu", "labels": {"data-classification": "personal"}, "attributes": {"resource": {"data": {"location": "EU"}}}}
	count(policy.deny) == 0 with input as {"resource": gcs}
}
