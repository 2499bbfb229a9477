package gavel.pipeline_security.pipeline_step_not_privileged_test

import rego.v1

import data.gavel.pipeline_security.pipeline_step_not_privileged as policy

step(security, template_extra, host_network) := {"kind": "argo_template", "name": "wf/build", "attributes": {
	"template": object.union({"name": "build"}, template_extra),
	"host_network": host_network,
	"containers": [
		{"field": "container", "container": {"name": "main", "securityContext": security}},
		{"field": "sidecars", "container": {"name": "proxy"}},
	],
}}

test_privileged_container_denied if {
	some d in policy.deny with input as {"resource": step({"privileged": true}, {}, false)}
	d.details.field == "container[main].securityContext.privileged"
	contains(d.msg, "argo_template wf/build: container \"main\" sets securityContext.privileged: true")
}

test_privilege_escalation_denied if {
	[d.details.field | some d in policy.deny] == ["container[main].securityContext.allowPrivilegeEscalation"] with input as {"resource": step({"allowPrivilegeEscalation": true}, {}, false)}
}

test_host_namespaces_denied if {
	{d.details.field | some d in policy.deny} == {"hostNetwork"} with input as {"resource": step({}, {}, true)}
	{d.details.field | some d in policy.deny} == {"hostPID"} with input as {"resource": step({}, {"hostPID": true}, false)}
}

test_unprivileged_step_allowed if {
	count(policy.deny) == 0 with input as {"resource": step({"privileged": false, "allowPrivilegeEscalation": false}, {}, false)}
	count(policy.deny) == 0 with input as {"resource": step(null, {}, false)}
}
