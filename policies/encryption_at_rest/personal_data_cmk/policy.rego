# METADATA
# title: Disks, databases and stores holding personal data use a customer-managed key
# description: >-
#   Personal data at rest is encrypted under a key the controller manages (its rotation, access
#   policy and revocation), not only the provider's default key: EBS volumes, RDS, Redshift and
#   DynamoDB; GCP disks, Cloud Storage, BigQuery and Cloud SQL; Azure managed disks, storage
#   accounts, SQL servers and PostgreSQL flexible servers classified personal name a KMS / Cloud
#   KMS / Key Vault key. S3 buckets have their own policy (s3_personal_data_cmk).
# custom:
#   id: personal_data_cmk
#   version: 1.0.0
#   severity: high
#   controls: [GVL-ENC-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: NIST-800-53, article: "SC-12"}
#     - {framework: NIST-800-53, article: "SC-28(1)"}
#     - {framework: ISO-27001, article: "A.8.24"}
#   resource_kinds: [aws_ebs_volume, aws_db_instance, aws_rds_cluster, aws_redshift_cluster,
#     aws_dynamodb_table, google_compute_disk, google_storage_bucket, google_bigquery_dataset,
#     google_sql_database_instance, azurerm_managed_disk, azurerm_storage_account,
#     azurerm_mssql_server, azurerm_postgresql_flexible_server, AWS::EC2::Volume, AWS::RDS::DBInstance,
#     AWS::RDS::DBCluster, storage.googleapis.com/Bucket, sqladmin.googleapis.com/Instance,
#     bigquery.googleapis.com/Dataset, microsoft.storage/storageaccounts]
#   remediation: |
#     Name a customer-managed key on the resource, e.g.:
#       resource "google_storage_bucket" "x" { encryption { default_kms_key_name = google_kms_crypto_key.k.id } }
#       resource "google_sql_database_instance" "x" { encryption_key_name = google_kms_crypto_key.k.id }
#       resource "aws_db_instance" "x" { storage_encrypted = true  kms_key_id = aws_kms_key.k.arn }
#       resource "azurerm_managed_disk" "x" { disk_encryption_set_id = azurerm_disk_encryption_set.s.id }
#       resource "azurerm_storage_account" "x" {
#         customer_managed_key { key_vault_key_id = azurerm_key_vault_key.k.id  user_assigned_identity_id = azurerm_user_assigned_identity.i.id }
#       }
package gavel.encryption_at_rest.personal_data_cmk

import rego.v1

import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.classification
import data.gavel.lib.cloud
import data.gavel.lib.terraform

cmk_classes := object.get(checks_documents, ["encryption", "cmk_classifications"], ["personal", "special-category"])

# Where each kind names its customer-managed key.
key_path := {
	"aws_ebs_volume": ["kms_key_id"],
	"aws_db_instance": ["kms_key_id"],
	"aws_rds_cluster": ["kms_key_id"],
	"aws_redshift_cluster": ["kms_key_id"],
	"aws_dynamodb_table": ["server_side_encryption", "kms_key_arn"],
	"google_compute_disk": ["disk_encryption_key", "kms_key_self_link"],
	"google_storage_bucket": ["encryption", "default_kms_key_name"],
	"google_bigquery_dataset": ["default_encryption_configuration", "kms_key_name"],
	"google_sql_database_instance": ["encryption_key_name"],
	"azurerm_managed_disk": ["disk_encryption_set_id"],
	"azurerm_storage_account": ["customer_managed_key", "key_vault_key_id"],
	"azurerm_mssql_server": ["transparent_data_encryption_key_vault_key_id"],
	"azurerm_postgresql_flexible_server": ["customer_managed_key", "key_vault_key_id"],
	# cloud inventories: AWS Config items, Cloud Asset Inventory assets, Resource Graph rows
	"AWS::EC2::Volume": ["configuration", "kmsKeyId"],
	"AWS::RDS::DBInstance": ["configuration", "kmsKeyId"],
	"AWS::RDS::DBCluster": ["configuration", "kmsKeyId"],
	"storage.googleapis.com/Bucket": ["resource", "data", "encryption", "defaultKmsKeyName"],
	"sqladmin.googleapis.com/Instance": ["resource", "data", "diskEncryptionConfiguration", "kmsKeyName"],
	"bigquery.googleapis.com/Dataset": ["resource", "data", "defaultEncryptionConfiguration", "kmsKeyName"],
	"microsoft.storage/storageaccounts": ["properties", "encryption", "keyvaultproperties", "keyname"],
}

deny contains {
	"msg": sprintf("%s: %s data is not encrypted with a customer-managed key; set %s to a KMS / Key Vault key you manage", [terraform.address(input.resource), classification.of(input.resource), field]),
	"details": {"field": field, "actual": terraform.first(keys), "expected": "a customer-managed key id"},
} if {
	classification.in_classes(input.resource, cmk_classes)
	path := key_path[input.resource.kind]
	field := concat(".", path)
	keys := terraform.leaf_values(input.resource.attributes, path)
	not names_key(keys)
	not terraform.unknown(input.resource, path)
}

warn contains {
	"msg": sprintf("%s: %s is known only after apply; check that it names a customer-managed key", [terraform.address(input.resource), field]),
	"details": {"field": field, "actual": "(known after apply)", "expected": "a customer-managed key id"},
} if {
	classification.in_classes(input.resource, cmk_classes)
	path := key_path[input.resource.kind]
	field := concat(".", path)
	not names_key(terraform.leaf_values(input.resource.attributes, path))
	terraform.unknown(input.resource, path)
}

# A key is named, and when the key itself was collected (an AWS inventory), the customer manages
# it: an RDS instance encrypted with the AWS-managed aws/rds key still names that key's ARN.
names_key(keys) if {
	some key in keys
	cloud.customer_managed_key(key)
}
