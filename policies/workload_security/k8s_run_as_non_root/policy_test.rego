package gavel.workload_security.k8s_run_as_non_root_test

import rego.v1

import data.gavel.workload_security.k8s_run_as_non_root as policy

deployment(pod_context, containers) := {"kind": "Deployment", "name": "serve", "namespace": "ml", "attributes": {"kind": "Deployment", "spec": {"template": {"spec": {"securityContext": pod_context, "containers": containers}}}}}

test_pod_level_non_root_allowed if {
	count(policy.deny) == 0 with input as {"resource": deployment({"runAsNonRoot": true, "runAsUser": 1000}, [{"name": "serve"}])}
}

test_unset_denied if {
	[d.msg | some d in policy.deny] == ["Deployment/ml/serve: spec.template.spec.containers[serve].securityContext.runAsNonRoot is not set; set spec.template.spec.containers[serve].securityContext.runAsNonRoot to true"] with input as {"resource": deployment({}, [{"name": "serve"}])}
}

test_container_overrides_pod if {
	containers := [{"name": "serve", "securityContext": {"runAsNonRoot": false}}]
	[d.details.actual | some d in policy.deny] == [false] with input as {"resource": deployment({"runAsNonRoot": true}, containers)}
}

test_root_user_denied if {
	containers := [{"name": "serve", "securityContext": {"runAsUser": 0}}]
	[d.details.field | some d in policy.deny] == ["spec.template.spec.containers[serve].securityContext.runAsUser"] with input as {"resource": deployment({"runAsNonRoot": true}, containers)}
}
