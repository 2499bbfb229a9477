package gavel.network_exposure.eks_endpoint_restricted_test

import rego.v1

import data.gavel.network_exposure.eks_endpoint_restricted as policy

cluster(config) := {"id": "terraform:aws_eks_cluster.ml", "kind": "aws_eks_cluster", "name": "ml", "attributes": {"vpc_config": [config]}}

test_default_public_endpoint_denied if {
	[d.msg | some d in policy.deny] == ["aws_eks_cluster.ml: vpc_config.public_access_cidrs is not set; set vpc_config.public_access_cidrs to false endpoint_public_access, or named networks"] with input as {"resource": cluster({"endpoint_private_access": true, "endpoint_public_access": true})}
}

test_private_endpoint_allowed if {
	count(policy.deny) == 0 with input as {"resource": cluster({"endpoint_private_access": true, "endpoint_public_access": false})}
}

test_named_networks_allowed if {
	count(policy.deny) == 0 with input as {"resource": cluster({"endpoint_public_access": true, "public_access_cidrs": ["203.0.113.0/24"]})}
}

test_explicit_world_denied if {
	count(policy.deny) == 1 with input as {"resource": cluster({"endpoint_public_access": true, "public_access_cidrs": ["0.0.0.0/0"]})}
}

test_cidrs_computed_at_apply_warn if {
	r := object.union(cluster({"endpoint_public_access": true}), {"unknown": [["vpc_config", 0, "public_access_cidrs"]]})
	count(policy.deny) == 0 with input as {"resource": r}
	count(policy.warn) == 1 with input as {"resource": r}
}
