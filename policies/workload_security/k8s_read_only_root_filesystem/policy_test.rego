package gavel.workload_security.k8s_read_only_root_filesystem_test

import rego.v1

import data.gavel.workload_security.k8s_read_only_root_filesystem as policy

pod(containers) := {"kind": "Pod", "name": "serve", "namespace": "ml", "attributes": {"kind": "Pod", "spec": {"containers": containers}}}

test_read_only_allowed if {
	count(policy.deny) == 0 with input as {"resource": pod([{"name": "serve", "securityContext": {"readOnlyRootFilesystem": true}}])}
}

test_writable_denied if {
	[d.msg | some d in policy.deny] == ["Pod/ml/serve: spec.containers[serve].securityContext.readOnlyRootFilesystem is not set; set spec.containers[serve].securityContext.readOnlyRootFilesystem to true"] with input as {"resource": pod([{"name": "serve"}])}
}
