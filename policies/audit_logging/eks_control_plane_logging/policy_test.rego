package gavel.audit_logging.eks_control_plane_logging_test

import rego.v1

import data.gavel.audit_logging.eks_control_plane_logging as policy

cluster(types) := {"id": "terraform:aws_eks_cluster.ml", "kind": "aws_eks_cluster", "name": "ml", "attributes": {"name": "ml", "enabled_cluster_log_types": types}}

test_all_required_types_allowed if {
	count(policy.deny) == 0 with input as {"resource": cluster(["api", "audit", "authenticator", "scheduler"])}
}

test_no_logging_denied if {
	[d.msg | some d in policy.deny] == [`aws_eks_cluster.ml: enabled_cluster_log_types is not set; set enabled_cluster_log_types to ["api", "audit", "authenticator"]`] with input as {"resource": cluster(null)}
}

test_missing_audit_named if {
	some d in policy.deny with input as {"resource": cluster(["api"])}
	d.details.missing == ["audit", "authenticator"]
}

test_required_types_are_a_parameter if {
	count(policy.deny) == 0 with input as {"resource": cluster(["audit"])}
		with data.gavel.data.audit_logging.eks_log_types as ["audit"]
}
