package gavel.lib.regions_test

import rego.v1

import data.gavel.lib.regions

table := {
	"eu-west-1": {"country": "IE", "eea": true, "adequacy": false},
	"europe-west4": {"country": "NL", "eea": true, "adequacy": false},
	"westeurope": {"country": "NL", "eea": true, "adequacy": false},
	"eu-west-2": {"country": "GB", "eea": false, "adequacy": true},
	"us-east-1": {"country": "US", "eea": false, "adequacy": false},
	"us-west-2": {"country": "US", "eea": false, "adequacy": false},
	"asia": {"country": null, "eea": false, "adequacy": false},
}

test_exact_region if {
	j := regions.jurisdiction("eu-west-1") with data.gavel.data.regions as table
	j == {"country": "IE", "eea": true, "adequacy": false, "known": true}
}

test_aws_zone_maps_to_region if {
	regions.in_eea("eu-west-1a") with data.gavel.data.regions as table
	regions.region_of("eu-west-1a") == "eu-west-1" with data.gavel.data.regions as table
}

test_gcp_zone_maps_to_region if {
	regions.region_of("europe-west4-a") == "europe-west4" with data.gavel.data.regions as table
}

test_aws_local_zone_maps_to_region if {
	regions.region_of("us-west-2-lax-1a") == "us-west-2" with data.gavel.data.regions as table
}

test_azure_display_name if {
	regions.in_eea("West Europe") with data.gavel.data.regions as table
}

test_upper_case_gcp_location if {
	regions.in_eea("EUROPE-WEST4") with data.gavel.data.regions as table
}

test_unknown_region_is_not_eea_and_reported if {
	j := regions.jurisdiction("mars-north-1") with data.gavel.data.regions as table
	j.known == false
	j.eea == false
	not regions.transfer_permitted("mars-north-1") with data.gavel.data.regions as table
	contains(regions.reason("mars-north-1"), "not in the regions table") with data.gavel.data.regions as table
}

test_adequacy_permits_transfer if {
	regions.transfer_permitted("eu-west-2") with data.gavel.data.regions as table
	not regions.in_eea("eu-west-2") with data.gavel.data.regions as table
}

test_us_not_permitted if {
	not regions.transfer_permitted("us-east-1") with data.gavel.data.regions as table
	regions.reason("us-east-1") == `region "us-east-1" is in US, outside the EEA` with data.gavel.data.regions as table
}

test_multi_region_without_country if {
	regions.reason("asia") == `region "asia" is in several non-EEA countries, outside the EEA` with data.gavel.data.regions as table
}

test_shipped_table_covers_three_clouds if {
	regions.in_eea("eu-central-1")
	regions.in_eea("europe-west3")
	regions.in_eea("germanywestcentral")
	regions.transfer_permitted("switzerlandnorth")
	not regions.transfer_permitted("us-central1")
	regions.in_eea("EU")
}

test_resource_location_prefers_own_attribute if {
	regions.resource_location({"attributes": {"location": "EU"}, "region": "us-east-1"}) == "EU"
	regions.resource_location({"attributes": {"availability_zone": "eu-west-1b"}, "region": "us-east-1"}) == "eu-west-1b"
}

test_resource_location_falls_back_to_provider_region if {
	regions.resource_location({"attributes": {"location": null}, "region": "eu-west-1"}) == "eu-west-1"
}

test_resource_location_null_when_unknown if {
	regions.resource_location({"attributes": {}, "region": null}) == null
}

test_transfer_violations if {
	regions.transfer_violations("x", "eu-west-1", "region") == set() with data.gavel.data.regions as table
	[v.details | some v in regions.transfer_violations("x", "us-east-1", "region")] == [{"field": "region", "actual": "us-east-1", "expected": regions.eea_example}] with data.gavel.data.regions as table
	[v.msg | some v in regions.transfer_violations("x", null, "region")] == [sprintf("x: personal data in an unknown region; set region to %s", [regions.eea_example])]
}

test_listed_zone_and_unknown if {
	regions.listed("europe-west4-a", ["europe-west4"]) with data.gavel.data.regions as table
	regions.listed("on-prem-1", ["on-prem-1"]) with data.gavel.data.regions as table
	not regions.listed("us-east-1a", ["europe-west4"]) with data.gavel.data.regions as table
}
