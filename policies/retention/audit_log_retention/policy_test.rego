package gavel.retention.audit_log_retention_test

import rego.v1

import data.gavel.retention.audit_log_retention as policy

resource(kind, attributes, labels) := {"id": sprintf("terraform:%s.audit", [kind]), "kind": kind, "name": "audit", "labels": labels, "attributes": attributes}

test_short_cloudwatch_retention_denied if {
	[d.msg | some d in policy.deny] == ["aws_cloudwatch_log_group.audit: retention_in_days is 30; set retention_in_days to at least 365"] with input as {"resource": resource("aws_cloudwatch_log_group", {"name": "/aws/eks/ml/cluster", "retention_in_days": 30}, {})}
}

test_cloudwatch_never_expire_allowed if {
	count(policy.deny) == 0 with input as {"resource": resource("aws_cloudwatch_log_group", {"name": "/aws/eks/ml/cluster", "retention_in_days": 0}, {})}
}

test_non_audit_log_group_not_judged if {
	count(policy.deny) == 0 with input as {"resource": resource("aws_cloudwatch_log_group", {"name": "/aws/lambda/resize", "retention_in_days": 7}, {})}
}

test_audit_tag_makes_it_judged if {
	count(policy.deny) == 1 with input as {"resource": resource("aws_cloudwatch_log_group", {"name": "/app/api", "retention_in_days": 7}, {"log-type": "Audit"})}
}

test_gcp_default_bucket if {
	count(policy.deny) == 1 with input as {"resource": resource("google_logging_project_bucket_config", {"bucket_id": "_Default", "retention_days": 30}, {})}
	count(policy.deny) == 0 with input as {"resource": resource("google_logging_project_bucket_config", {"bucket_id": "_Default", "retention_days": 400}, {})}
}

test_log_analytics_zero_is_not_forever if {
	count(policy.deny) == 1 with input as {"resource": resource("azurerm_log_analytics_workspace", {"name": "audit-logs", "retention_in_days": 0}, {})}
}

test_sql_auditing_always_judged if {
	some d in policy.deny with input as {"resource": resource("azurerm_mssql_server_extended_auditing_policy", {"retention_in_days": 90}, {})}
	d.details.actual == 90
	count(policy.deny) == 0 with input as {"resource": resource("azurerm_mssql_server_extended_auditing_policy", {"retention_in_days": 0}, {})}
}

test_minimum_is_a_parameter if {
	count(policy.deny) == 0 with input as {"resource": resource("azurerm_mssql_server_extended_auditing_policy", {"retention_in_days": 90}, {})}
		with data.gavel.data.retention.min_audit_log_days as 90
}

test_patterns_match_across_dots_and_slashes if {
	count(policy.deny) == 1 with input as {"resource": resource("aws_cloudwatch_log_group", {"name": "/aws/rds/instance/crm.prod/audit", "retention_in_days": 14}, {})}
}
