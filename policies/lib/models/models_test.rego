package gavel.lib.models_test

import rego.v1

import data.gavel.lib.models

params := {
	"production_aliases": ["champion", "prod"], "production_stages": ["Production"],
	"validation_status_keys": ["validation_status", "mrm.validation_status"],
	"high_risk_keys": ["eu_ai_act_risk"], "high_risk_values": ["high"],
}

version(aliases, stage, labels) := {"kind": "mlflow_model_version", "name": "credit/1", "labels": labels, "attributes": {"aliases": aliases, "current_stage": stage}}

test_production_by_alias_or_stage if {
	models.in_production(version(["Champion"], "None", {})) with data.gavel.data.model_risk as params
	models.in_production(version([], "Production", {})) with data.gavel.data.model_risk as params
	not models.in_production(version(["challenger"], "Staging", {})) with data.gavel.data.model_risk as params
	models.production_reason(version(["champion"], "None", {})) == "alias champion" with data.gavel.data.model_risk as params
	models.production_reason(version([], "Production", {})) == "stage Production" with data.gavel.data.model_risk as params
}

test_tag_takes_the_first_non_empty_key if {
	models.tag(version([], "", {"validation_status": " ", "mrm.validation_status": "passed"}), "validation_status_keys") == "passed" with data.gavel.data.model_risk as params
	not models.tag(version([], "", {}), "validation_status_keys") with data.gavel.data.model_risk as params
}

test_high_risk_ignores_case if {
	models.high_risk(version([], "", {"eu_ai_act_risk": "High"})) with data.gavel.data.model_risk as params
	not models.high_risk(version([], "", {"eu_ai_act_risk": "limited"})) with data.gavel.data.model_risk as params
}

test_dates_and_timestamps if {
	models.days_between(models.date_ns("2026-10-01"), models.date_ns("2026-11-24T12:00:00+00:00")) == 54
	models.date_ns("2026-10-01T00:00:00Z") == models.date_ns("2026-10-01")
	not models.date_ns("01/10/2026")
	not models.date_ns(20261001)
}
