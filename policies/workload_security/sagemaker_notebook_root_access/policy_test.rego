package gavel.workload_security.sagemaker_notebook_root_access_test

import rego.v1

import data.gavel.workload_security.sagemaker_notebook_root_access as policy

notebook(attributes) := {"id": "terraform:aws_sagemaker_notebook_instance.research", "kind": "aws_sagemaker_notebook_instance", "name": "research", "attributes": attributes}

test_root_access_default_denied if {
	[d.msg | some d in policy.deny] == ["aws_sagemaker_notebook_instance.research: root_access is not set; set root_access to Disabled"] with input as {"resource": notebook({})}
}

test_disabled_allowed if {
	count(policy.deny) == 0 with input as {"resource": notebook({"root_access": "Disabled"})}
}
