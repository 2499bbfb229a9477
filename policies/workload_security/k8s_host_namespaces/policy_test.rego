package gavel.workload_security.k8s_host_namespaces_test

import rego.v1

import data.gavel.workload_security.k8s_host_namespaces as policy

daemonset(spec) := {"kind": "DaemonSet", "name": "agent", "namespace": "monitoring", "attributes": {"kind": "DaemonSet", "spec": {"template": {"spec": object.union({"containers": [{"name": "agent"}]}, spec)}}}}

test_host_network_and_pid_denied if {
	{d.details.field | some d in policy.deny} == {"spec.template.spec.hostNetwork", "spec.template.spec.hostPID"} with input as {"resource": daemonset({"hostNetwork": true, "hostPID": true, "hostIPC": false})}
}

test_message if {
	[d.msg | some d in policy.deny] == ["DaemonSet/monitoring/agent: spec.template.spec.hostIPC is true; set spec.template.spec.hostIPC to false"] with input as {"resource": daemonset({"hostIPC": true})}
}

test_isolated_pod_allowed if {
	count(policy.deny) == 0 with input as {"resource": daemonset({})}
}
