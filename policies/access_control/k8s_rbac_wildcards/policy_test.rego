package gavel.access_control.k8s_rbac_wildcards_test

import rego.v1

import data.gavel.access_control.k8s_rbac_wildcards as policy

role(rules) := {"kind": "ClusterRole", "name": "pipeline-runner", "namespace": null, "attributes": {"kind": "ClusterRole", "rules": rules}}

test_named_rules_allowed if {
	count(policy.deny) == 0 with input as {"resource": role([{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get", "create"]}])}
}

test_wildcard_verbs_denied if {
	[d.msg | some d in policy.deny] == [`ClusterRole/pipeline-runner: rules[0].verbs is ["*"]; set rules[0].verbs to the verbs the subject needs, by name`] with input as {"resource": role([{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["*"]}])}
}

test_wildcard_resources_and_verbs if {
	count(policy.deny) == 2 with input as {"resource": role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])}
}

test_rules_absent if {
	count(policy.deny) == 0 with input as {"resource": {"kind": "ClusterRole", "name": "aggregate", "attributes": {"kind": "ClusterRole", "aggregationRule": {}}}}
}
