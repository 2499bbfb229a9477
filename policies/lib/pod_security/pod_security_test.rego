package gavel.lib.pod_security_test

import rego.v1

import data.gavel.lib.k8s
import data.gavel.lib.pod_security

deployment := {"kind": "Deployment", "spec": {"template": {"spec": {
	"securityContext": {"runAsNonRoot": true, "runAsUser": 1000},
	"containers": [{"name": "serve", "securityContext": {"runAsUser": 0}}, {"name": "sidecar"}],
}}}}

test_spec_field_per_kind if {
	pod_security.spec_field({"kind": "Pod"}) == "spec"
	pod_security.spec_field({"kind": "CronJob"}) == "spec.jobTemplate.spec.template.spec"
	pod_security.spec_field(deployment) == "spec.template.spec"
	pod_security.pod_field({"kind": "Pod"}, "hostPID") == "spec.hostPID"
}

test_container_field_names_the_container if {
	entry := k8s.containers(deployment)[0]
	pod_security.container_field(deployment, entry, "securityContext.privileged") == "spec.template.spec.containers[serve].securityContext.privileged"
}

test_container_setting_wins_over_pod if {
	[serve, sidecar] := [e.container | some e in k8s.containers(deployment)]
	pod_security.effective(deployment, serve, "runAsUser") == 0
	pod_security.effective(deployment, sidecar, "runAsUser") == 1000
	pod_security.effective(deployment, serve, "runAsNonRoot") == true
	pod_security.effective(deployment, serve, "readOnlyRootFilesystem") == null
}

test_effective_in_a_pod_spec_already_read if {
	spec := k8s.pod_spec(deployment)
	[serve, sidecar] := [e.container | some e in k8s.containers(deployment)]
	pod_security.effective_in(spec, serve, "runAsUser") == 0
	pod_security.effective_in(spec, sidecar, "runAsUser") == 1000
	pod_security.effective_in(spec, sidecar, "seccompProfile") == null
	pod_security.effective({"kind": "ConfigMap"}, {"securityContext": {"runAsUser": 7}}, "runAsUser") == 7
	pod_security.effective({"kind": "ConfigMap"}, {"name": "c"}, "runAsUser") == null
}
