package gavel.pipeline_security.pipeline_dedicated_service_account_test

import rego.v1

import data.gavel.pipeline_security.pipeline_dedicated_service_account as policy

step(account) := {"kind": "argo_template", "name": "wf/train", "attributes": {"service_account_name": account}}

test_unnamed_account_denied if {
	some d in policy.deny with input as {"resource": step(null)}
	contains(d.msg, "argo_template wf/train: no serviceAccountName")
}

test_default_account_denied if {
	[d.details.actual | some d in policy.deny] == ["default"] with input as {"resource": step("default")} with data.gavel.data.pipeline_security as {"disallowed_service_accounts": ["default"]}
}

test_empty_account_denied if {
	[d.details.actual | some d in policy.deny] == [""] with input as {"resource": step("")} with data.gavel.data.pipeline_security as {"disallowed_service_accounts": ["default"]}
}

test_dedicated_account_allowed if {
	count(policy.deny) == 0 with input as {"resource": step("trainer")} with data.gavel.data.pipeline_security as {"disallowed_service_accounts": ["default"]}
}

test_disallowed_list_is_data if {
	count(policy.deny) == 1 with input as {"resource": step("pipeline-runner")} with data.gavel.data.pipeline_security as {"disallowed_service_accounts": ["default", "pipeline-runner"]}
}
