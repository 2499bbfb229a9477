package gavel.workload_security.k8s_privileged_containers_test

import rego.v1

import data.gavel.workload_security.k8s_privileged_containers as policy

pod(containers) := {"kind": "Pod", "name": "nginx", "namespace": null, "attributes": {"kind": "Pod", "spec": {"containers": containers}}}

test_privileged_denied if {
	[d.msg | some d in policy.deny] == ["Pod/nginx: spec.containers[nginx].securityContext.privileged is true; set spec.containers[nginx].securityContext.privileged to false"] with input as {"resource": pod([{"name": "nginx", "securityContext": {"privileged": true}}])}
}

test_unprivileged_allowed if {
	count(policy.deny) == 0 with input as {"resource": pod([{"name": "nginx"}, {"name": "sidecar", "securityContext": {"privileged": false}}])}
}

test_init_container_denied if {
	d := {"kind": "Deployment", "name": "web", "namespace": "ml", "attributes": {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "setup", "securityContext": {"privileged": true}}],
		"containers": [{"name": "web"}],
	}}}}}
	[x.details.field | some x in policy.deny] == ["spec.template.spec.initContainers[setup].securityContext.privileged"] with input as {"resource": d}
}
