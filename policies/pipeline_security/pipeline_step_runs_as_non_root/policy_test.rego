package gavel.pipeline_security.pipeline_step_runs_as_non_root_test

import rego.v1

import data.gavel.pipeline_security.pipeline_step_runs_as_non_root as policy

kfp(security) := {"kind": "kfp_task", "name": "p/print", "attributes": {"container": {"image": "python:3.11"}, "security_context": security}}

argo(pod, container) := {"kind": "argo_template", "name": "wf/echo", "attributes": {"pod_security_context": pod, "containers": [{"field": "container", "container": {"name": "main", "securityContext": container}}]}}

test_kfp_platform_user_allowed if {
	count(policy.deny) == 0 with input as {"resource": kfp({"runAsUser": "65534", "runAsGroup": "0"})}
	count(policy.deny) == 0 with input as {"resource": kfp({"runAsNonRoot": true})}
}

test_kfp_root_user_denied if {
	[d.details.field | some d in policy.deny] == ["securityContext.runAsUser"] with input as {"resource": kfp({"runAsUser": "0"})}
}

test_silent_step_may_run_as_root if {
	some d in policy.deny with input as {"resource": argo({}, null)}
	contains(d.msg, "argo_template wf/echo: container \"main\" may run as root")
}

test_container_root_overrides_non_root_pod if {
	[d.details.actual | some d in policy.deny] == [0] with input as {"resource": argo({"runAsNonRoot": true, "runAsUser": 1000}, {"runAsUser": 0})}
}

test_pod_level_non_root_covers_containers if {
	count(policy.deny) == 0 with input as {"resource": argo({"runAsNonRoot": true}, {"allowPrivilegeEscalation": false})}
}
