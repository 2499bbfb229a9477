# METADATA
# title: Data stores in cloud inventories declare their data classification
# description: >-
#   Residency, encryption and retention rules apply by classification; a bucket, database or
#   storage account that carries none (no data-classification tag or label, and none reaches it
#   through the estate graph from the datasets it stores) is judged as if it held nothing
#   sensitive. Records of processing must say which categories of data each store holds
#   (GDPR Art. 30(1)(c)). A store can be exempted on purpose with a label listed in
#   data/cloud_storage.yaml classified_kinds_exempt_labels.
# custom:
#   id: storage_classification_declared
#   version: 1.0.0
#   severity: low
#   controls: [GVL-GOV-07]
#   regulations:
#     - {framework: GDPR, article: "Art. 30(1)(c)"}
#     - {framework: NIST-800-53, article: "RA-2"}
#     - {framework: ISO-27001, article: "A.5.12"}
#   resource_kinds: [AWS::S3::Bucket, AWS::RDS::DBInstance, AWS::RDS::DBCluster, storage.googleapis.com/Bucket,
#     sqladmin.googleapis.com/Instance, bigquery.googleapis.com/Dataset, microsoft.storage/storageaccounts]
#   remediation: |
#     Tag the store with its most sensitive data: data-classification = public | internal |
#     confidential | personal | special-category.
#       aws s3api put-bucket-tagging --bucket <name> --tagging 'TagSet=[{Key=data-classification,Value=personal}]'
#       gcloud storage buckets update gs://<name> --update-labels=data-classification=personal
#       az resource tag --ids <id> --tags data-classification=personal
package gavel.cloud_storage.storage_classification_declared

import rego.v1

import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.classification
import data.gavel.lib.classification.levels as classification_levels
import data.gavel.lib.terraform

exempt_labels := object.get(checks_documents, ["cloud_storage", "classified_kinds_exempt_labels"], [])

deny contains {
	"msg": sprintf("%s: no data classification; tag it data-classification with one of %v", [terraform.address(input.resource), classification_levels]),
	"details": {"field": "tags.data-classification", "actual": null, "expected": classification_levels},
} if {
	not classification.of(input.resource)
	not exempt
}

exempt if {
	some key in exempt_labels
	input.resource.labels[key]
}
