package gavel.lib.checks_test

import rego.v1

import data.gavel.lib.checks

test_on_requires_every_value_true if {
	checks.on({"a": [{"b": true}, {"b": "true"}]}, ["a", "b"])
	not checks.on({"a": [{"b": true}, {"b": false}]}, ["a", "b"])
	not checks.on({"a": []}, ["a", "b"])
	not checks.on({}, ["enabled"])
}

test_at_least_reads_numeric_strings if {
	checks.at_least("30", 7)
	checks.at_least(7, 7)
	not checks.at_least(6, 7)
	not checks.at_least("n/a", 7)
	not checks.at_least(null, 7)
}

test_finding_names_field_and_compliant_value if {
	f := checks.finding("aws_cloudtrail.main", "enable_log_file_validation", false, true)
	f.msg == "aws_cloudtrail.main: enable_log_file_validation is false; set enable_log_file_validation to true"
	f.details == {"field": "enable_log_file_validation", "actual": false, "expected": true}
}

test_absent_value_reads_not_set if {
	checks.finding("x", "f", null, 7).msg == "x: f is not set; set f to 7"
}

test_path_finding_reads_nested_value if {
	resource := {"id": "terraform:google_sql_database_instance.db", "attributes": {"settings": [{"backup_configuration": [{"enabled": false}]}]}}
	f := checks.path_finding(resource, ["settings", "backup_configuration", "enabled"], true)
	f.msg == "google_sql_database_instance.db: settings.backup_configuration.enabled is false; set settings.backup_configuration.enabled to true"
}

test_items_is_always_an_array if {
	checks.items({"a": [1]}, "a") == [1]
	checks.items({"a": null}, "a") == []
	checks.items({"a": "x"}, "a") == []
	checks.items({}, "a") == []
}

test_text_of_any_value if {
	checks.text("ON") == "on"
	checks.text(true) == "true"
	checks.text(6) == "6"
	checks.text(null) == "null"
}

test_parameters_of_a_data_document if {
	checks.parameters("backup").min_backup_retention_days == 7
	checks.parameters("no_such_document") == {}
	checks.parameters("backup") == {"x": 1} with data.gavel.data.backup as {"x": 1}
}

test_after_apply_is_a_warning_naming_the_field if {
	w := checks.after_apply("aws_db_instance.crm", "backup_retention_period", "at least 7")
	w.msg == "aws_db_instance.crm: backup_retention_period is known only after apply; check that it is at least 7 once applied"
	w.details.actual == "(known after apply)"
}
