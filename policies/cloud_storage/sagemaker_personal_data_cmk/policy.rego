# METADATA
# title: SageMaker training and serving of personal data use customer-managed KMS keys
# description: >-
#   A training job classified personal (its tags, or the data it reads in the estate graph)
#   encrypts its ML storage volume (ResourceConfig.VolumeKmsKeyId) and its model artifacts
#   (OutputDataConfig.KmsKeyId) with a customer-managed KMS key; an endpoint config serving
#   personal data sets KmsKeyId for the volumes of its instances. Without them SageMaker uses
#   AWS-managed keys the controller cannot rotate, restrict or revoke. A key counts as
#   customer-managed when it is not an aws/ alias and, if the key was collected too, its
#   keyManager is CUSTOMER.
# custom:
#   id: sagemaker_personal_data_cmk
#   version: 1.0.0
#   severity: high
#   controls: [GVL-ENC-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: NIST-800-53, article: "SC-12"}
#     - {framework: NIST-800-53, article: "SC-28(1)"}
#     - {framework: ISO-27001, article: "A.8.24"}
#   resource_kinds: [AWS::SageMaker::TrainingJob, AWS::SageMaker::EndpointConfig]
#   remediation: |
#     sagemaker.create_training_job(...,
#         ResourceConfig={..., "VolumeKmsKeyId": "arn:aws:kms:eu-central-1:111122223333:key/..."},
#         OutputDataConfig={"S3OutputPath": "s3://...", "KmsKeyId": "arn:aws:kms:...:key/..."})
#     sagemaker.create_endpoint_config(..., KmsKeyId="arn:aws:kms:...:key/...")
package gavel.cloud_storage.sagemaker_personal_data_cmk

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.classification
import data.gavel.lib.cloud
import data.gavel.lib.terraform

cmk_classes := object.get(checks_documents, ["encryption", "cmk_classifications"], ["personal", "special-category"])

settings := cloud.settings(input.resource)

key_fields := [["ResourceConfig", "VolumeKmsKeyId"], ["OutputDataConfig", "KmsKeyId"]] if {
	input.resource.kind == "AWS::SageMaker::TrainingJob"
} else := [["KmsKeyId"]]

deny contains checks.finding(
	sprintf("%s (%s data)", [terraform.address(input.resource), classification.of(input.resource)]),
	concat(".", path),
	key,
	"a customer-managed KMS key ARN",
) if {
	classification.in_classes(input.resource, cmk_classes)
	some path in key_fields
	key := object.get(settings, path, null)
	not cloud.customer_managed_key(key)
}
