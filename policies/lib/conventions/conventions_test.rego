package gavel.lib.conventions_test

import rego.v1

import data.gavel.lib.conventions

recommender := {
	"kind": "Deployment",
	"metadata": {"labels": {"app": "feed"}, "annotations": {"gavel.dev/recommender-main-parameters": "https://example.com/feed-parameters"}},
	"spec": {"template": {"metadata": {"labels": {"gavel.dev/system-type": "Recommender"}, "annotations": {"gavel.dev/recommender-non-profiling-option": "  "}}}},
}

test_labels_of_workload_and_template if {
	conventions.is_recommender(recommender)
	not conventions.is_high_risk_ai(recommender)
	conventions.labels(recommender) == {"app": "feed", "gavel.dev/system-type": "Recommender"}
}

test_workload_label_wins_over_template if {
	cronjob := {"kind": "CronJob", "metadata": {"labels": {"gavel.dev/ai-risk-class": "high"}}, "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": {"gavel.dev/ai-risk-class": "minimal"}}}}}}}
	conventions.is_high_risk_ai(cronjob)
}

test_pod_reads_its_own_metadata if {
	conventions.is_high_risk_ai({"kind": "Pod", "metadata": {"labels": {"gavel.dev/ai-risk-class": "high-risk"}}})
}

test_annotation_must_be_non_blank if {
	conventions.annotation(recommender, "main_parameters") == "https://example.com/feed-parameters"
	not conventions.annotation(recommender, "non_profiling_option")
	conventions.annotation_field("non_profiling_option") == "metadata.annotations[gavel.dev/recommender-non-profiling-option]"
}

test_objects_without_template_or_metadata if {
	conventions.labels({"kind": "Service", "metadata": {"labels": null}}) == {}
	not conventions.is_recommender({"kind": "ConfigMap"})
}

test_missing_annotation_finding if {
	resource := {"kind": "Deployment", "name": "feed", "namespace": "web", "attributes": recommender}
	f := conventions.missing_annotation(resource, "non_profiling_option", "the option")
	f.msg == "Deployment/web/feed: metadata.annotations[gavel.dev/recommender-non-profiling-option] is not set; set metadata.annotations[gavel.dev/recommender-non-profiling-option] to the option"
	not conventions.missing_annotation(resource, "main_parameters", "the document")
}

test_labels_of_the_workload_judged_are_read_once if {
	conventions.input_labels == {"app": "feed", "gavel.dev/system-type": "Recommender"} with input as {"resource": {"attributes": recommender}}
	workload := recommender
	conventions.is_recommender(workload) with input as {"resource": {"attributes": workload}}
	high_risk := {"kind": "Pod", "metadata": {"labels": {"gavel.dev/ai-risk-class": "high-risk"}}}
	conventions.is_high_risk_ai(high_risk) with input as {"resource": {"attributes": workload}}
	not conventions.is_recommender({"kind": "ConfigMap"}) with input as {"resource": {"attributes": workload}}
}
