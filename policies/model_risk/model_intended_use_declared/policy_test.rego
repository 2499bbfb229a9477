package gavel.model_risk.model_intended_use_declared_test

import rego.v1

import data.gavel.model_risk.model_intended_use_declared as policy

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

test_missing_intended_use_denied if {
	some d in policy.deny with input as {"resource": version(["champion"], {}, {})} with data.gavel.data.model_risk as params
	contains(d.msg, "no declared intended use")
}

test_declared_intended_use_allowed if {
	count(policy.deny) == 0 with input as {"resource": version(["champion"], {"intended_use": "retail credit"}, {})} with data.gavel.data.model_risk as params
}

test_blank_intended_use_denied if {
	count(policy.deny) == 1 with input as {"resource": version(["champion"], {"intended_use": "  "}, {})} with data.gavel.data.model_risk as params
}
