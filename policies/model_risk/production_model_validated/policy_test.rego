package gavel.model_risk.production_model_validated_test

import rego.v1

import data.gavel.model_risk.production_model_validated as policy

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

test_unvalidated_champion_denied if {
	some d in policy.deny with input as {"resource": version(["champion"], {}, {})} with data.gavel.data.model_risk as params
	contains(d.msg, "model version credit-risk/3 is in production (alias champion) with no validation status")
}

test_failed_validation_in_production_stage_denied if {
	[d.details.actual | some d in policy.deny] == ["failed"] with input as {"resource": version([], {"validation_status": "failed"}, {"current_stage": "Production"})} with data.gavel.data.model_risk as params
}

test_passed_validation_allowed if {
	count(policy.deny) == 0 with input as {"resource": version(["champion"], {"validation_status": "Passed"}, {})} with data.gavel.data.model_risk as params
}

test_versions_outside_production_not_judged if {
	count(policy.deny) == 0 with input as {"resource": version(["challenger"], {}, {})} with data.gavel.data.model_risk as params
}
