package gavel.audit_logging.cloudtrail_multi_region_test

import rego.v1

import data.gavel.audit_logging.cloudtrail_multi_region as policy

trail(attributes) := {"id": "terraform:aws_cloudtrail.account", "kind": "aws_cloudtrail", "name": "account", "attributes": attributes}

compliant := {"is_multi_region_trail": true, "include_global_service_events": true, "enable_logging": true}

test_multi_region_trail_allowed if {
	count(policy.deny) == 0 with input as {"resource": trail(compliant)}
}

test_single_region_trail_denied if {
	[d.msg | some d in policy.deny] == ["aws_cloudtrail.account: is_multi_region_trail is false; set is_multi_region_trail to true"] with input as {"resource": trail(object.union(compliant, {"is_multi_region_trail": false}))}
}

test_each_missing_switch_is_a_finding if {
	fields := {d.details.field | some d in policy.deny} with input as {"resource": trail({"include_global_service_events": "false"})}
	fields == {"is_multi_region_trail", "include_global_service_events", "enable_logging"}
}
