package gavel.audit_logging.gcp_data_access_audit_logs_test

import rego.v1

import data.gavel.audit_logging.gcp_data_access_audit_logs as policy

audit(service, configs) := {"id": "terraform:google_project_iam_audit_config.data", "kind": "google_project_iam_audit_config", "name": "data", "attributes": {
	"project": "ml-prod", "service": service, "audit_log_config": configs,
}}

test_data_read_and_write_allowed if {
	configs := [{"log_type": "ADMIN_READ"}, {"log_type": "DATA_READ"}, {"log_type": "DATA_WRITE", "exempted_members": []}]
	count(policy.deny) == 0 with input as {"resource": audit("allServices", configs)}
}

test_missing_data_write_denied if {
	[d.msg | some d in policy.deny] == [`google_project_iam_audit_config.data: audit_log_config.log_type is ["DATA_READ"]; set audit_log_config.log_type to ["DATA_READ", "DATA_WRITE"]`] with input as {"resource": audit("storage.googleapis.com", [{"log_type": "DATA_READ"}])}
}

test_exempted_member_denied if {
	configs := [{"log_type": "DATA_READ", "exempted_members": ["serviceAccount:etl@ml-prod.iam.gserviceaccount.com"]}, {"log_type": "DATA_WRITE"}]
	some d in policy.deny with input as {"resource": audit("bigquery.googleapis.com", configs)}
	d.details.field == "audit_log_config[DATA_READ].exempted_members"
}

test_other_services_not_judged if {
	count(policy.deny) == 0 with input as {"resource": audit("compute.googleapis.com", [])}
}
