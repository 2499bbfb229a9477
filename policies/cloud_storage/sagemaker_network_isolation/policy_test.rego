package gavel.cloud_storage.sagemaker_network_isolation_test

import rego.v1

import data.gavel.cloud_storage.sagemaker_network_isolation as policy

vpc := {"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1"]}

job(classification, configuration) := {"id": "aws:job", "kind": "AWS::SageMaker::TrainingJob", "name": "churn-train", "classification": classification, "attributes": {"configuration": configuration}}

test_personal_job_without_isolation_denied if {
	msgs := {d.msg | some d in policy.deny} with input as {"resource": job("personal", {"EnableNetworkIsolation": false})}
	msgs == {
		"AWS::SageMaker::TrainingJob.churn-train (personal data): EnableNetworkIsolation is false; set EnableNetworkIsolation to true",
		"AWS::SageMaker::TrainingJob.churn-train (personal data): VpcConfig.Subnets is not set; set VpcConfig.Subnets to the subnets of a VPC",
	}
}

test_isolated_job_in_vpc_allowed if {
	count(policy.deny) == 0 with input as {"resource": job("personal", {"EnableNetworkIsolation": true, "VpcConfig": vpc})}
}

test_distributed_job_needs_inter_container_encryption if {
	resource := job("special-category", {"EnableNetworkIsolation": true, "VpcConfig": vpc, "ResourceConfig": {"InstanceCount": 4}})
	[d.details.field | some d in policy.deny] == ["EnableInterContainerTrafficEncryption"] with input as {"resource": resource}
}

test_internal_data_not_judged if {
	count(policy.deny) == 0 with input as {"resource": job("internal", {})}
	count(policy.deny) == 0 with input as {"resource": job(null, {})}
}

test_models_are_judged_too if {
	model := {"id": "aws:model", "kind": "AWS::SageMaker::Model", "name": "churn", "labels": {"data-classification": "personal"}, "attributes": {"configuration": {"EnableNetworkIsolation": true}}}
	[d.details.field | some d in policy.deny] == ["VpcConfig.Subnets"] with input as {"resource": model}
}
