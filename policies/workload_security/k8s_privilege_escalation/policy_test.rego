package gavel.workload_security.k8s_privilege_escalation_test

import rego.v1

import data.gavel.workload_security.k8s_privilege_escalation as policy

job(containers) := {"kind": "Job", "name": "train", "namespace": "ml", "attributes": {"kind": "Job", "spec": {"template": {"spec": {"containers": containers}}}}}

test_unset_denied if {
	[d.msg | some d in policy.deny] == ["Job/ml/train: spec.template.spec.containers[train].securityContext.allowPrivilegeEscalation is not set; set spec.template.spec.containers[train].securityContext.allowPrivilegeEscalation to false"] with input as {"resource": job([{"name": "train"}])}
}

test_false_allowed if {
	count(policy.deny) == 0 with input as {"resource": job([{"name": "train", "securityContext": {"allowPrivilegeEscalation": false}}])}
}

test_each_container_judged if {
	containers := [{"name": "train", "securityContext": {"allowPrivilegeEscalation": false}}, {"name": "logger", "securityContext": {"allowPrivilegeEscalation": true}}]
	[d.details.actual | some d in policy.deny] == [true] with input as {"resource": job(containers)}
}
