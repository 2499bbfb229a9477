package gavel.access_control.k8s_rbac_escalation_verbs_test

import rego.v1

import data.gavel.access_control.k8s_rbac_escalation_verbs as policy

role(rules) := {"kind": "Role", "name": "deployer", "namespace": "ml", "attributes": {"kind": "Role", "rules": rules}}

test_impersonate_denied if {
	rules := [{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["get", "impersonate"]}]
	[d.msg | some d in policy.deny] == [`Role/ml/deployer: rules[0].verbs is ["impersonate"]; set rules[0].verbs to ["get"]`] with input as {"resource": role(rules)}
}

test_bind_and_escalate_in_one_rule if {
	rules := [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"], "verbs": ["bind", "escalate"]}]
	some d in policy.deny with input as {"resource": role(rules)}
	d.details.actual == ["bind", "escalate"]
}

test_ordinary_verbs_allowed if {
	count(policy.deny) == 0 with input as {"resource": role([{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["create", "delete"]}])}
}
