package gavel.data_residency.personal_data_database_location_test

import rego.v1

import data.gavel.data_residency.personal_data_database_location as policy

cloud_sql(region, classification) := {
	"id": "terraform:google_sql_database_instance.main", "kind": "google_sql_database_instance", "name": "main",
	"attributes": {"region": region, "settings": [{"tier": "db-custom-2-7680"}]}, "region": null, "classification": classification,
}

test_cloud_sql_us_personal_denied if {
	some d in policy.deny with input as {"resource": cloud_sql("us-central1", "personal")}
	d.details.field == "region"
	d.details.actual == "us-central1"
}

test_cloud_sql_zone_style_region_in_eea_allowed if {
	count(policy.deny) == 0 with input as {"resource": cloud_sql("europe-west4", "special-category")}
}

test_cloud_sql_without_region_uses_provider_region if {
	r := object.union(cloud_sql(null, "personal"), {"region": "europe-west1"})
	count(policy.deny) == 0 with input as {"resource": r}
}

test_rds_availability_zone_outside_eea_denied if {
	rds := {"id": "terraform:aws_db_instance.crm", "kind": "aws_db_instance", "name": "crm", "attributes": {"availability_zone": "ap-southeast-1a"}, "region": "eu-west-1", "classification": "personal"}
	some d in policy.deny with input as {"resource": rds}
	d.details.actual == "ap-southeast-1a"
	contains(d.msg, "SG")
}

test_bigquery_eu_allowed_us_denied if {
	ds := {"id": "terraform:google_bigquery_dataset.events", "kind": "google_bigquery_dataset", "name": "events", "attributes": {"location": "EU"}, "classification": "personal"}
	count(policy.deny) == 0 with input as {"resource": ds}
	count(policy.deny) == 1 with input as {"resource": object.union(ds, {"attributes": {"location": "US"}})}
}

test_internal_database_anywhere_allowed if {
	count(policy.deny) == 0 with input as {"resource": cloud_sql("us-central1", "internal")}
}

test_unknown_location_denied if {
	count(policy.deny) == 1 with input as {"resource": cloud_sql(null, "personal")}
}

test_inventory_databases_are_judged_by_their_region if {
	rds := {"id": "aws:arn:aws:rds:us-east-1:1:db:crm", "kind": "AWS::RDS::DBInstance", "name": "crm", "region": "us-east-1", "labels": {"data-classification": "personal"}, "attributes": {"awsRegion": "us-east-1"}}
	[d.details.field | some d in policy.deny] == ["awsRegion (the region it was created in)"] with input as {"resource": rds}
	sql := {"id": "gcp://cloudsql.googleapis.com/projects/p/instances/crm", "kind": "sqladmin.googleapis.com/Instance", "name": "crm", "region": "europe-west4", "classification": "personal", "attributes": {"resource": {"data": {"region": "europe-west4"}}}}
	count(policy.deny) == 0 with input as {"resource": sql}
}
