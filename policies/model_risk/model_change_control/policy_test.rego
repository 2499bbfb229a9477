package gavel.model_risk.model_change_control_test

import rego.v1

import data.gavel.model_risk.model_change_control as policy

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

test_approved_version_with_run_allowed if {
	count(policy.deny) == 0 with input as {"resource": version(["champion"], {"approved_by": "mrm"}, {})} with data.gavel.data.model_risk as params
}

test_missing_approver_denied if {
	[d.details.field | some d in policy.deny] == ["tags[approved_by]"] with input as {"resource": version(["champion"], {}, {})} with data.gavel.data.model_risk as params
}

test_version_without_run_denied if {
	[d.details.field | some d in policy.deny] == ["run_id"] with input as {"resource": version(["champion"], {"approved_by": "mrm"}, {"run_id": "", "run": null})} with data.gavel.data.model_risk as params
}

test_run_missing_from_registry_denied if {
	[d.details.expected | some d in policy.deny] == ["abc"] with input as {"resource": version(["champion"], {"approved_by": "mrm"}, {"run": null})} with data.gavel.data.model_risk as params
}
