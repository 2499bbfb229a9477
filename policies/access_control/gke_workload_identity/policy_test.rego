package gavel.access_control.gke_workload_identity_test

import rego.v1

import data.gavel.access_control.gke_workload_identity as policy

pool(config) := {"id": "terraform:google_container_node_pool.gpu", "kind": "google_container_node_pool", "name": "gpu", "attributes": {"node_config": [config]}}

test_gke_metadata_allowed if {
	count(policy.deny) == 0 with input as {"resource": pool({"workload_metadata_config": [{"mode": "GKE_METADATA"}]})}
}

test_no_metadata_config_denied if {
	[d.msg | some d in policy.deny] == ["google_container_node_pool.gpu: node_config.workload_metadata_config.mode is not set; set node_config.workload_metadata_config.mode to GKE_METADATA"] with input as {"resource": pool({"workload_metadata_config": []})}
}

test_gce_metadata_denied if {
	some d in policy.deny with input as {"resource": pool({"workload_metadata_config": [{"mode": "GCE_METADATA"}]})}
	d.details.actual == "GCE_METADATA"
}

test_cluster_without_default_pool_config_not_judged if {
	count(policy.deny) == 0 with input as {"resource": {"id": "terraform:google_container_cluster.ml", "kind": "google_container_cluster", "name": "ml", "attributes": {"remove_default_node_pool": true}}}
}

test_node_config_computed_at_apply_warns if {
	r := {"id": "terraform:google_container_node_pool.gpu", "kind": "google_container_node_pool", "name": "gpu", "attributes": {}, "unknown": [["node_config"]]}
	count(policy.deny) == 0 with input as {"resource": r}
	count(policy.warn) == 1 with input as {"resource": r}
}
