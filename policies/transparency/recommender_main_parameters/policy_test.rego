package gavel.transparency.recommender_main_parameters_test

import rego.v1

import data.gavel.transparency.recommender_main_parameters as policy

workload(labels, annotations) := {"kind": "Deployment", "name": "feed", "namespace": "web", "attributes": {
	"kind": "Deployment",
	"metadata": {"name": "feed", "annotations": annotations},
	"spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "ranker"}]}}},
}}

recommender := {"app": "feed", "gavel.dev/system-type": "recommender"}

test_documented_recommender_allowed if {
	count(policy.deny) == 0 with input as {"resource": workload(recommender, {"gavel.dev/recommender-main-parameters": "https://example.com/terms#ranking"})}
}

test_undocumented_recommender_denied if {
	[d.msg | some d in policy.deny] == ["Deployment/web/feed: metadata.annotations[gavel.dev/recommender-main-parameters] is not set; set metadata.annotations[gavel.dev/recommender-main-parameters] to the URL of the documented main parameters"] with input as {"resource": workload(recommender, {})}
}

test_blank_annotation_denied if {
	count(policy.deny) == 1 with input as {"resource": workload(recommender, {"gavel.dev/recommender-main-parameters": " "})}
}

test_other_workloads_not_judged if {
	count(policy.deny) == 0 with input as {"resource": workload({"app": "checkout"}, {})}
}
