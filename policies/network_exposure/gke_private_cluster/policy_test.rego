package gavel.network_exposure.gke_private_cluster_test

import rego.v1

import data.gavel.network_exposure.gke_private_cluster as policy

cluster(attributes) := {"id": "terraform:google_container_cluster.ml", "kind": "google_container_cluster", "name": "ml", "attributes": attributes}

private := {"enable_private_nodes": true, "master_ipv4_cidr_block": "172.16.0.32/28"}

networks(cidrs) := [{"cidr_blocks": [{"cidr_block": c, "display_name": "n"} | some c in cidrs]}]

test_private_cluster_allowed if {
	count(policy.deny) == 0 with input as {"resource": cluster({"private_cluster_config": [private], "master_authorized_networks_config": networks(["10.20.0.0/16"])})}
}

test_public_cluster_denied if {
	{d.details.field | some d in policy.deny} == {"private_cluster_config.enable_private_nodes", "master_authorized_networks_config"} with input as {"resource": cluster({"private_cluster_config": []})}
}

test_world_authorized_network_denied if {
	[d.msg | some d in policy.deny] == ["google_container_cluster.ml: master_authorized_networks_config.cidr_blocks.cidr_block is 0.0.0.0/0; set master_authorized_networks_config.cidr_blocks.cidr_block to a specific network"] with input as {"resource": cluster({"private_cluster_config": [private], "master_authorized_networks_config": networks(["0.0.0.0/0"])})}
}
