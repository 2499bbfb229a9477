package gavel.network_exposure.sagemaker_notebook_no_direct_internet_test

import rego.v1

import data.gavel.network_exposure.sagemaker_notebook_no_direct_internet as policy

notebook(attributes) := {"id": "terraform:aws_sagemaker_notebook_instance.research", "kind": "aws_sagemaker_notebook_instance", "name": "research", "attributes": attributes}

test_direct_internet_denied if {
	[d.msg | some d in policy.deny] == ["aws_sagemaker_notebook_instance.research: direct_internet_access is Enabled; set direct_internet_access to Disabled"] with input as {"resource": notebook({"direct_internet_access": "Enabled", "subnet_id": "subnet-1"})}
}

test_default_is_direct_internet if {
	count(policy.deny) == 1 with input as {"resource": notebook({})}
}

test_vpc_only_allowed if {
	count(policy.deny) == 0 with input as {"resource": notebook({"direct_internet_access": "Disabled", "subnet_id": "subnet-1"})}
}

test_disabled_without_subnet_denied if {
	[d.details.field | some d in policy.deny] == ["subnet_id"] with input as {"resource": notebook({"direct_internet_access": "Disabled"})}
}

test_subnet_created_by_the_plan_warns if {
	r := object.union(notebook({"direct_internet_access": "Disabled"}), {"unknown": [["subnet_id"]]})
	count(policy.deny) == 0 with input as {"resource": r}
	count(policy.warn) == 1 with input as {"resource": r}
}
