package gavel.access_control.gcp_service_account_keys_test

import rego.v1

import data.gavel.access_control.gcp_service_account_keys as policy

test_any_user_managed_key_denied if {
	key := {"id": "terraform:google_service_account_key.etl", "kind": "google_service_account_key", "name": "etl", "attributes": {"service_account_id": "etl@ml-prod.iam.gserviceaccount.com"}}
	[d.details.actual | some d in policy.deny] == ["etl@ml-prod.iam.gserviceaccount.com"] with input as {"resource": key}
}
