package gavel.transparency.recommender_non_profiling_option_test

import rego.v1

import data.gavel.transparency.recommender_non_profiling_option as policy

workload(labels, annotations) := {"kind": "Deployment", "name": "feed", "namespace": "web", "attributes": {
	"kind": "Deployment",
	"metadata": {"name": "feed", "labels": labels, "annotations": annotations},
	"spec": {"template": {"spec": {"containers": [{"name": "ranker"}]}}},
}}

recommender := {"gavel.dev/system-type": "Recommender"}

test_option_declared_allowed if {
	count(policy.deny) == 0 with input as {"resource": workload(recommender, {"gavel.dev/recommender-non-profiling-option": "feed-ordering=chronological"})}
}

test_option_missing_denied if {
	some d in policy.deny with input as {"resource": workload(recommender, {"gavel.dev/recommender-main-parameters": "https://example.com/terms"})}
	d.details.field == "metadata.annotations[gavel.dev/recommender-non-profiling-option]"
}

test_system_types_are_a_parameter if {
	count(policy.deny) == 1 with input as {"resource": workload({"gavel.dev/system-type": "search-ranking"}, {})}
		with data.gavel.data.conventions.recommender_system_types as ["search-ranking"]
}
