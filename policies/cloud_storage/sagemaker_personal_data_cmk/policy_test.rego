package gavel.cloud_storage.sagemaker_personal_data_cmk_test

import rego.v1

import data.gavel.lib.terraform

import data.gavel.cloud_storage.sagemaker_personal_data_cmk as policy

cmk := "arn:aws:kms:eu-west-1:1:key/cmk"

job(configuration) := {"id": "aws:job", "kind": "AWS::SageMaker::TrainingJob", "name": "churn-train", "classification": "personal", "attributes": {"configuration": configuration}}

test_training_job_without_keys_denied_per_field if {
	[d.msg | some d in policy.deny] == [
		"AWS::SageMaker::TrainingJob.churn-train (personal data): OutputDataConfig.KmsKeyId is not set; set OutputDataConfig.KmsKeyId to a customer-managed KMS key ARN",
		"AWS::SageMaker::TrainingJob.churn-train (personal data): ResourceConfig.VolumeKmsKeyId is not set; set ResourceConfig.VolumeKmsKeyId to a customer-managed KMS key ARN",
	] with input as {"resource": job({"ResourceConfig": {"InstanceType": "ml.p4d.24xlarge"}, "OutputDataConfig": {}})}
}

test_training_job_with_customer_keys_allowed if {
	count(policy.deny) == 0 with input as {"resource": job({"ResourceConfig": {"VolumeKmsKeyId": cmk}, "OutputDataConfig": {"KmsKeyId": cmk}})}
}

test_aws_managed_key_denied if {
	aws_key := {"kind": "AWS::KMS::Key", "attributes": {"configuration": {"keyId": "k", "arn": cmk, "keyManager": "AWS"}}}
	count(policy.deny) == 2 with input as {"resource": job({"ResourceConfig": {"VolumeKmsKeyId": cmk}, "OutputDataConfig": {"KmsKeyId": cmk}})} with data.gavel.estate as terraform.estate_document({"k": aws_key})
	count(policy.deny) == 1 with input as {"resource": job({"ResourceConfig": {"VolumeKmsKeyId": cmk}, "OutputDataConfig": {"KmsKeyId": "alias/aws/sagemaker"}})}
}

test_endpoint_config_key if {
	config := {"id": "aws:cfg", "kind": "AWS::SageMaker::EndpointConfig", "name": "churn", "labels": {"data-classification": "personal"}, "attributes": {"configuration": {}}}
	[d.details.field | some d in policy.deny] == ["KmsKeyId"] with input as {"resource": config}
}

test_non_personal_not_judged if {
	count(policy.deny) == 0 with input as {"resource": object.union(job({}), {"classification": "internal"})}
}
