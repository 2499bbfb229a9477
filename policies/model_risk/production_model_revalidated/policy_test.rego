package gavel.model_risk.production_model_revalidated_test

import rego.v1

import data.gavel.model_risk.production_model_revalidated as policy

params := {
	"production_aliases": ["champion"], "production_stages": ["Production"],
	"validation_status_keys": ["validation_status"], "passed_validation_values": ["passed"],
	"validation_date_keys": ["validation_date"], "revalidation_days": 365,
	"intended_use_keys": ["intended_use"], "approver_keys": ["approved_by"],
	"high_risk_keys": ["eu_ai_act_risk"], "high_risk_values": ["high"],
	"record_keeping_keys": ["record_keeping"], "human_oversight_keys": ["human_oversight"],
}

version(aliases, labels, extra) := {"kind": "mlflow_model_version", "name": "credit-risk/3", "labels": labels, "attributes": object.union({
	"aliases": aliases, "current_stage": "None", "run_id": "abc", "run": {"info": {"run_id": "abc"}},
	"training_datasets": [{"name": "loans", "uri": "s3://risk-lake/loans.parquet"}],
	"registry": {"exported_at": "2026-11-24T12:00:00+00:00"},
}, extra)}

test_recent_validation_allowed if {
	count(policy.deny) == 0 with input as {"resource": version(["champion"], {"validation_date": "2026-10-01"}, {})} with data.gavel.data.model_risk as params
}

test_stale_validation_denied if {
	some d in policy.deny with input as {"resource": version(["champion"], {"validation_date": "2025-06-30"}, {})} with data.gavel.data.model_risk as params
	contains(d.msg, "was last validated 512 days before the registry was read")
}

test_boundary_is_inclusive if {
	count(policy.deny) == 0 with input as {"resource": version(["champion"], {"validation_date": "2025-11-24T12:00:00Z"}, {})} with data.gavel.data.model_risk as params
	count(policy.deny) == 1 with input as {"resource": version(["champion"], {"validation_date": "2025-11-23"}, {})} with data.gavel.data.model_risk as params
}

test_missing_or_malformed_date_denied if {
	count(policy.deny) == 1 with input as {"resource": version(["champion"], {}, {})} with data.gavel.data.model_risk as params
	[d.details.actual | some d in policy.deny] == ["01/10/2026"] with input as {"resource": version(["champion"], {"validation_date": "01/10/2026"}, {})} with data.gavel.data.model_risk as params
}

test_unknown_read_time_warns if {
	count(policy.warn) == 1 with input as {"resource": version(["champion"], {"validation_date": "2026-10-01"}, {"registry": null})} with data.gavel.data.model_risk as params
	count(policy.deny) == 0 with input as {"resource": version(["champion"], {"validation_date": "2026-10-01"}, {"registry": null})} with data.gavel.data.model_risk as params
}

test_versions_outside_production_not_judged if {
	count(policy.deny) == 0 with input as {"resource": version([], {"validation_date": "2020-01-01"}, {})} with data.gavel.data.model_risk as params
}
