# METADATA
# title: Managed database storage is encrypted at rest
# description: >-
#   RDS instances and clusters, DocumentDB, Neptune, Redshift, ElastiCache replication groups
#   and OpenSearch domains enable storage encryption; Azure SQL databases keep transparent data
#   encryption on. An absent value counts as unencrypted: these services default to plaintext
#   storage (Azure TDE excepted, where the policy only rejects an explicit false).
# custom:
#   id: database_storage_encrypted
#   version: 1.0.0
#   severity: high
#   controls: [GVL-ENC-04]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: NIST-800-53, article: "SC-28(1)"}
#     - {framework: ISO-27001, article: "A.8.24"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 2.3.1"}
#   resource_kinds: [aws_db_instance, aws_rds_cluster, AWS::RDS::DBInstance, AWS::RDS::DBCluster, aws_docdb_cluster, aws_neptune_cluster,
#     aws_redshift_cluster, aws_elasticache_replication_group, aws_opensearch_domain,
#     aws_elasticsearch_domain, azurerm_mssql_database]
#   remediation: |
#     resource "aws_db_instance" "crm" {
#       storage_encrypted = true
#       kms_key_id        = aws_kms_key.data.arn
#     }
#     resource "aws_opensearch_domain" "search" {
#       encrypt_at_rest { enabled = true }
#     }
package gavel.encryption_at_rest.database_storage_encrypted

import rego.v1

import data.gavel.lib.terraform

# The attribute path that switches storage encryption on, per resource kind.
switch := {
	"aws_db_instance": ["storage_encrypted"],
	"aws_rds_cluster": ["storage_encrypted"],
	"aws_docdb_cluster": ["storage_encrypted"],
	"aws_neptune_cluster": ["storage_encrypted"],
	"aws_redshift_cluster": ["encrypted"],
	"aws_elasticache_replication_group": ["at_rest_encryption_enabled"],
	"aws_opensearch_domain": ["encrypt_at_rest", "enabled"],
	"aws_elasticsearch_domain": ["encrypt_at_rest", "enabled"],
	"AWS::RDS::DBInstance": ["configuration", "storageEncrypted"],
	"AWS::RDS::DBCluster": ["configuration", "storageEncrypted"],
}

# Kinds whose provider encrypts unless told otherwise: only an explicit false is a finding.
on_by_default := {"azurerm_mssql_database": ["transparent_data_encryption_enabled"]}

deny contains finding(path, actual) if {
	path := switch[input.resource.kind]
	values := terraform.leaf_values(input.resource.attributes, path)
	not all_true(values)
	actual := terraform.first(values)
}

deny contains finding(path, false) if {
	path := on_by_default[input.resource.kind]
	some value in terraform.leaf_values(input.resource.attributes, path)
	terraform.is_false(value)
}

all_true(values) if {
	count(values) > 0
	every v in values {
		terraform.is_true(v)
	}
}

finding(path, actual) := {
	"msg": sprintf("%s: %s is %v; set %s to true", [terraform.address(input.resource), field, actual, field]),
	"details": {"field": field, "actual": actual, "expected": true},
} if {
	field := concat(".", path)
}
