package gavel.access_control.k8s_workload_admin_binding_test

import rego.v1

import data.gavel.access_control.k8s_workload_admin_binding as policy

binding(kind, role, subjects) := {"kind": kind, "name": "trainer", "namespace": null, "attributes": {"kind": kind, "roleRef": {"kind": "ClusterRole", "name": role}, "subjects": subjects}}

trainer := {"kind": "ServiceAccount", "name": "trainer", "namespace": "ml"}

test_cluster_admin_for_workload_denied if {
	[d.msg | some d in policy.deny] == ["ClusterRoleBinding/trainer: roleRef.name is cluster-admin; set roleRef.name to a Role or ClusterRole granting only what the workload needs"] with input as {"resource": binding("ClusterRoleBinding", "cluster-admin", [trainer])}
}

test_groups_and_users_not_judged if {
	count(policy.deny) == 0 with input as {"resource": binding("ClusterRoleBinding", "cluster-admin", [{"kind": "Group", "name": "platform-admins"}])}
}

test_system_namespace_not_judged if {
	count(policy.deny) == 0 with input as {"resource": binding("ClusterRoleBinding", "cluster-admin", [{"kind": "ServiceAccount", "name": "kube-proxy", "namespace": "kube-system"}])}
}

test_role_binding_subject_defaults_to_its_namespace if {
	rb := object.union(binding("RoleBinding", "admin", [{"kind": "ServiceAccount", "name": "trainer"}]), {"namespace": "ml"})
	count(policy.deny) == 1 with input as {"resource": rb}
}

test_limited_role_allowed if {
	count(policy.deny) == 0 with input as {"resource": binding("ClusterRoleBinding", "view", [trainer])}
}
