package gavel.access_control.k8s_default_service_account_test

import rego.v1

import data.gavel.access_control.k8s_default_service_account as policy

pod(spec) := {"kind": "Pod", "name": "serve", "namespace": "ml", "attributes": {"kind": "Pod", "spec": object.union({"containers": [{"name": "serve"}]}, spec)}}

test_own_account_allowed if {
	count(policy.deny) == 0 with input as {"resource": pod({"serviceAccountName": "model-server"})}
	count(policy.deny) == 0 with input as {"resource": pod({"serviceAccount": "model-server"})}
}

test_unset_denied if {
	[d.msg | some d in policy.deny] == ["Pod/ml/serve: spec.serviceAccountName is not set; set spec.serviceAccountName to a ServiceAccount created for this workload"] with input as {"resource": pod({})}
}

test_explicit_default_denied if {
	count(policy.deny) == 1 with input as {"resource": pod({"serviceAccountName": "default"})}
}
