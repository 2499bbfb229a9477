package gavel.data_residency.personal_data_workload_location_test

import rego.v1

import data.gavel.data_residency.personal_data_workload_location as policy

deployment(selector, classification) := {
	"id": "kubernetes:Deployment/ml/scoring", "kind": "Deployment", "name": "scoring", "namespace": "ml", "classification": classification,
	"attributes": {"kind": "Deployment", "spec": {"template": {"spec": {"nodeSelector": selector, "containers": [{"name": "api"}]}}}},
}

test_personal_workload_pinned_to_us_denied if {
	some d in policy.deny with input as {"resource": deployment({"topology.kubernetes.io/region": "us-east1"}, "personal")}
	d.details.actual == "us-east1"
	startswith(d.msg, "Deployment/ml/scoring: personal data outside the EEA")
}

test_personal_workload_pinned_to_eea_zone_allowed if {
	count(policy.deny) == 0 with input as {"resource": deployment({"topology.kubernetes.io/zone": "europe-west4-a"}, "personal")}
}

test_unpinned_workload_not_judged_here if {
	count(policy.deny) == 0 with input as {"resource": deployment({}, "personal")}
}

test_affinity_alternative_outside_eea_denied if {
	r := deployment({}, "special-category")
	terms := [{"matchExpressions": [{"key": "topology.kubernetes.io/region", "operator": "In", "values": ["europe-west1", "us-central1"]}]}]
	affinity := {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}
	pinned := json.patch(r, [{"op": "add", "path": "/attributes/spec/template/spec/affinity", "value": affinity}])
	[d.details.actual | some d in policy.deny] == ["us-central1"] with input as {"resource": pinned}
}

test_unknown_region_denied if {
	some d in policy.deny with input as {"resource": deployment({"topology.kubernetes.io/region": "on-prem-1"}, "personal")}
	contains(d.msg, "not in the regions table")
}

test_public_workload_anywhere_allowed if {
	count(policy.deny) == 0 with input as {"resource": deployment({"topology.kubernetes.io/region": "us-east1"}, "public")}
}
