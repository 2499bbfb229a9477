package gavel.network_exposure.aks_api_server_restricted_test

import rego.v1

import data.gavel.network_exposure.aks_api_server_restricted as policy

cluster(attributes) := {"id": "terraform:azurerm_kubernetes_cluster.ml", "kind": "azurerm_kubernetes_cluster", "name": "ml", "attributes": attributes}

test_public_api_server_denied if {
	[d.msg | some d in policy.deny] == ["azurerm_kubernetes_cluster.ml: api_server_access_profile.authorized_ip_ranges is []; set api_server_access_profile.authorized_ip_ranges to private_cluster_enabled = true, or named networks"] with input as {"resource": cluster({"private_cluster_enabled": false})}
}

test_private_cluster_allowed if {
	count(policy.deny) == 0 with input as {"resource": cluster({"private_cluster_enabled": true})}
}

test_authorized_ranges_allowed if {
	count(policy.deny) == 0 with input as {"resource": cluster({"private_cluster_enabled": false, "api_server_access_profile": [{"authorized_ip_ranges": ["203.0.113.0/24"]}]})}
	count(policy.deny) == 0 with input as {"resource": cluster({"api_server_authorized_ip_ranges": ["203.0.113.0/24"]})}
}

test_world_range_denied if {
	count(policy.deny) == 1 with input as {"resource": cluster({"api_server_access_profile": [{"authorized_ip_ranges": ["0.0.0.0/0"]}]})}
}

test_ranges_computed_at_apply_warn if {
	r := object.union(cluster({}), {"unknown": [["api_server_access_profile"]]})
	count(policy.deny) == 0 with input as {"resource": r}
	count(policy.warn) == 1 with input as {"resource": r}
}
