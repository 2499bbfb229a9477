package gavel.lib.classification_test

import rego.v1

import data.gavel.lib.classification

test_engine_classification_wins if {
	classification.of({"classification": "personal", "labels": {"data-classification": "public"}}) == "personal"
}

test_labels_read_when_field_absent if {
	classification.of({"labels": {"data_classification": "Special-Category"}}) == "special-category"
}

test_most_sensitive_alias_label if {
	classification.of({"labels": {"classification": "internal", "data-classification": "personal"}}) == "personal"
}

test_unknown_value_is_undefined if {
	not classification.of({"classification": "secret-ish", "labels": {}})
}

test_null_classification_falls_back_to_labels if {
	classification.of({"classification": null, "labels": {"data-classification": "confidential"}}) == "confidential"
}

test_personal_includes_special_category if {
	classification.is_personal({"classification": "special-category"})
	classification.is_personal({"classification": "personal"})
	not classification.is_personal({"classification": "confidential"})
	not classification.is_personal({"labels": {}})
}

test_special_category_only if {
	classification.is_special_category({"classification": "special-category"})
	not classification.is_special_category({"classification": "personal"})
}

test_ordering if {
	classification.rank("public") < classification.rank("internal")
	classification.rank("confidential") < classification.rank("personal")
	classification.at_least({"classification": "personal"}, "confidential")
	not classification.at_least({"classification": "internal"}, "confidential")
}

test_in_classes if {
	classification.in_classes({"classification": "personal"}, ["personal", "special-category"])
	not classification.in_classes({"classification": "public"}, ["personal"])
}

test_the_resource_judged_is_classified_once if {
	judged := {"classification": "Personal"}
	classification.input_level == "personal" with input as {"resource": judged}
	classification.is_personal(judged) with input as {"resource": judged}
	not classification.is_personal({"classification": "internal"}) with input as {"resource": judged}
	classification.is_special_category({"labels": {"classification": "special-category"}}) with input as {"resource": judged}
	not classification.of({"labels": {}}) with input as {"resource": {"labels": {}}}
}
