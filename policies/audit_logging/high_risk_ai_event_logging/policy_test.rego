package gavel.audit_logging.high_risk_ai_event_logging_test

import rego.v1

import data.gavel.audit_logging.high_risk_ai_event_logging as policy

workload(labels, annotations) := {"kind": "Deployment", "name": "scoring", "namespace": "credit", "attributes": {
	"kind": "Deployment",
	"metadata": {"name": "scoring", "labels": labels, "annotations": annotations},
	"spec": {"template": {"metadata": {"labels": {"app": "scoring"}}, "spec": {"containers": [{"name": "model"}]}}},
}}

high_risk := {"gavel.dev/ai-risk-class": "high"}

logged := {"gavel.dev/ai-event-log": "otlp://collector.observability:4317/scoring", "gavel.dev/ai-log-retention-days": "365"}

test_logged_high_risk_workload_allowed if {
	count(policy.deny) == 0 with input as {"resource": workload(high_risk, logged)}
}

test_missing_event_log_denied if {
	[d.msg | some d in policy.deny] == ["Deployment/credit/scoring: metadata.annotations[gavel.dev/ai-event-log] is not set; set metadata.annotations[gavel.dev/ai-event-log] to the URI of the event log sink"] with input as {"resource": workload(high_risk, object.remove(logged, ["gavel.dev/ai-event-log"]))}
}

test_short_retention_denied if {
	some d in policy.deny with input as {"resource": workload(high_risk, object.union(logged, {"gavel.dev/ai-log-retention-days": "30"}))}
	d.details.actual == "30"
	d.details.expected == "at least 183 (days)"
}

test_unreadable_retention_denied if {
	count(policy.deny) == 1 with input as {"resource": workload(high_risk, object.union(logged, {"gavel.dev/ai-log-retention-days": "six months"}))}
}

test_other_workloads_not_judged if {
	count(policy.deny) == 0 with input as {"resource": workload({"gavel.dev/ai-risk-class": "minimal"}, {})}
	count(policy.deny) == 0 with input as {"resource": workload({}, {})}
}

test_minimum_is_a_parameter if {
	count(policy.deny) == 1 with input as {"resource": workload(high_risk, logged)}
		with data.gavel.data.conventions.min_ai_log_retention_days as 400
}
