package gavel.audit_logging.gke_cluster_logging_test

import rego.v1

import data.gavel.audit_logging.gke_cluster_logging as policy

cluster(attributes) := {"id": "terraform:google_container_cluster.ml", "kind": "google_container_cluster", "name": "ml", "attributes": attributes}

test_api_server_logging_allowed if {
	count(policy.deny) == 0 with input as {"resource": cluster({"logging_config": [{"enable_components": ["SYSTEM_COMPONENTS", "APISERVER", "WORKLOADS"]}]})}
}

test_default_components_lack_api_server if {
	[d.msg | some d in policy.deny] == [`google_container_cluster.ml: logging_config.enable_components is ["SYSTEM_COMPONENTS", "WORKLOADS"]; set logging_config.enable_components to ["SYSTEM_COMPONENTS", "APISERVER"]`] with input as {"resource": cluster({"logging_service": "logging.googleapis.com/kubernetes"})}
}

test_logging_off_denied if {
	some d in policy.deny with input as {"resource": cluster({"logging_service": "none", "logging_config": [{"enable_components": ["SYSTEM_COMPONENTS", "APISERVER"]}]})}
	d.details == {"field": "logging_service", "actual": "none", "expected": "logging.googleapis.com/kubernetes"}
}

test_components_are_a_parameter if {
	count(policy.deny) == 0 with input as {"resource": cluster({})}
		with data.gavel.data.audit_logging.gke_logging_components as ["SYSTEM_COMPONENTS"]
}

test_logging_config_computed_at_apply_warns if {
	r := object.union(cluster({}), {"unknown": [["logging_config"]]})
	count(policy.deny) == 0 with input as {"resource": r}
	count(policy.warn) == 1 with input as {"resource": r}
}
