package gavel.model_risk.high_risk_model_record_keeping_test

import rego.v1

import data.gavel.model_risk.high_risk_model_record_keeping as policy

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

test_high_risk_without_log_location_denied if {
	[d.details.field | some d in policy.deny] == ["tags[record_keeping]"] with input as {"resource": version(["champion"], {"eu_ai_act_risk": "high"}, {})} with data.gavel.data.model_risk as params
}

test_high_risk_without_training_data_denied if {
	[d.details.field | some d in policy.deny] == ["run.inputs.dataset_inputs"] with input as {"resource": version(["champion"], {"eu_ai_act_risk": "high", "record_keeping": "s3://logs"}, {"training_datasets": []})} with data.gavel.data.model_risk as params
}

test_recorded_high_risk_model_allowed if {
	count(policy.deny) == 0 with input as {"resource": version(["champion"], {"eu_ai_act_risk": "high", "record_keeping": "s3://logs"}, {})} with data.gavel.data.model_risk as params
}

test_other_models_not_judged if {
	count(policy.deny) == 0 with input as {"resource": version(["champion"], {"eu_ai_act_risk": "limited"}, {"training_datasets": []})} with data.gavel.data.model_risk as params
	count(policy.deny) == 0 with input as {"resource": version([], {"eu_ai_act_risk": "high"}, {})} with data.gavel.data.model_risk as params
}
