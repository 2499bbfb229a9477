package gavel.access_control.k8s_service_account_token_automount_test

import rego.v1

import data.gavel.lib.terraform

import data.gavel.access_control.k8s_service_account_token_automount as policy

job(spec) := {"kind": "Job", "name": "train", "namespace": "ml", "attributes": {"kind": "Job", "spec": {"template": {"spec": object.union({"containers": [{"name": "train"}]}, spec)}}}}

account(name, namespace, automount) := {"kind": "ServiceAccount", "name": name, "namespace": namespace, "attributes": {"kind": "ServiceAccount", "automountServiceAccountToken": automount}}

test_token_off_allowed if {
	count(policy.deny) == 0 with input as {"resource": job({"automountServiceAccountToken": false})}
}

test_default_mounting_denied if {
	[d.msg | some d in policy.deny] == ["Job/ml/train: spec.template.spec.automountServiceAccountToken is not set; set spec.template.spec.automountServiceAccountToken to false"] with input as {"resource": job({})}
}

test_service_account_opting_out_allowed if {
	estate := terraform.estate_document({"sa": account("trainer", "ml", false)})
	count(policy.deny) == 0 with input as {"resource": job({"serviceAccountName": "trainer"})} with data.gavel.estate as estate
}

test_service_account_of_other_namespace_does_not_count if {
	estate := terraform.estate_document({"sa": account("trainer", "serving", false)})
	count(policy.deny) == 1 with input as {"resource": job({"serviceAccountName": "trainer"})} with data.gavel.estate as estate
}

test_pod_setting_wins_over_account if {
	estate := terraform.estate_document({"sa": account("trainer", "ml", false)})
	count(policy.deny) == 1 with input as {"resource": job({"serviceAccountName": "trainer", "automountServiceAccountToken": true})} with data.gavel.estate as estate
}
