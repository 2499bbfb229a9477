# METADATA
# title: SageMaker training jobs and models handling personal data run network-isolated in a VPC
# description: >-
#   A training job or model whose data is classified personal (its own tags, or the datasets and
#   buckets it reads in the estate graph; data/cloud_storage.yaml isolation_classifications)
#   sets EnableNetworkIsolation, so its containers make no outbound calls, and runs in a VPC
#   (VpcConfig), so its traffic stays on the customer's network. A training job on more than one
#   instance also encrypts the traffic between them (EnableInterContainerTrafficEncryption).
#   SageMaker's defaults are none of these.
# custom:
#   id: sagemaker_network_isolation
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-07]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: GDPR, article: "Art. 25(1)"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: NIST-800-53, article: "SC-8"}
#     - {framework: ISO-27001, article: "A.8.22"}
#   resource_kinds: [AWS::SageMaker::TrainingJob, AWS::SageMaker::Model]
#   remediation: |
#     Create the job or model with isolation and a VPC (boto3 / SageMaker Python SDK):
#       sagemaker.create_training_job(..., EnableNetworkIsolation=True,
#           EnableInterContainerTrafficEncryption=True,
#           VpcConfig={"SecurityGroupIds": ["sg-..."], "Subnets": ["subnet-..."]})
#       Estimator(..., enable_network_isolation=True, subnets=[...], security_group_ids=[...],
#                 encrypt_inter_container_traffic=True)
package gavel.cloud_storage.sagemaker_network_isolation

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.classification
import data.gavel.lib.cloud
import data.gavel.lib.terraform

classes := object.get(checks_documents, ["cloud_storage", "isolation_classifications"], ["personal", "special-category"])

settings := cloud.settings(input.resource)

subject := sprintf("%s (%s data)", [terraform.address(input.resource), classification.of(input.resource)])

judged if classification.in_classes(input.resource, classes)

deny contains checks.finding(subject, "EnableNetworkIsolation", object.get(settings, "EnableNetworkIsolation", null), true) if {
	judged
	not terraform.is_true(object.get(settings, "EnableNetworkIsolation", null))
}

deny contains checks.finding(subject, "VpcConfig.Subnets", null, "the subnets of a VPC") if {
	judged
	count(object.get(settings, ["VpcConfig", "Subnets"], [])) == 0
}

deny contains checks.finding(subject, "EnableInterContainerTrafficEncryption", object.get(settings, "EnableInterContainerTrafficEncryption", null), true) if {
	judged
	input.resource.kind == "AWS::SageMaker::TrainingJob"
	object.get(settings, ["ResourceConfig", "InstanceCount"], 1) > 1
	not terraform.is_true(object.get(settings, "EnableInterContainerTrafficEncryption", null))
}
