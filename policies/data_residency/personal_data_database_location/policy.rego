# METADATA
# title: Databases and warehouses holding personal data stay in the EEA or an adequate country
# description: >-
#   A managed database or analytics dataset classified personal (or special-category) must be
#   located in the EEA or in a country with an EU adequacy decision (GDPR Chapter V). Unknown
#   regions count as outside the EEA.
# custom:
#   id: personal_data_database_location
#   version: 1.0.0
#   severity: critical
#   controls: [GVL-RES-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 44"}
#     - {framework: GDPR, article: "Art. 45"}
#     - {framework: GDPR, article: "Art. 46"}
#     - {framework: NIST-800-53, article: "SA-9(5)"}
#     - {framework: ISO-27001, article: "A.5.34"}
#   resource_kinds: [aws_db_instance, aws_rds_cluster, aws_redshift_cluster, aws_dynamodb_table,
#     google_sql_database_instance, google_bigquery_dataset, google_spanner_instance,
#     azurerm_mssql_server, azurerm_postgresql_server, azurerm_postgresql_flexible_server,
#     azurerm_mysql_flexible_server, azurerm_cosmosdb_account, AWS::RDS::DBInstance, AWS::RDS::DBCluster,
#     sqladmin.googleapis.com/Instance, bigquery.googleapis.com/Dataset]
#   remediation: |
#     Place the database in an EEA region (or one listed as adequate in data/regions.yaml):
#       resource "google_sql_database_instance" "x" { region = "europe-west4" }
#       resource "google_bigquery_dataset" "x"     { location = "EU" }
#       resource "azurerm_postgresql_flexible_server" "x" { location = "germanywestcentral" }
#       provider "aws" { region = "eu-west-1" }  # aws_db_instance, aws_rds_cluster
package gavel.data_residency.personal_data_database_location

import rego.v1

import data.gavel.lib.classification
import data.gavel.lib.cloud
import data.gavel.lib.regions
import data.gavel.lib.terraform

deny contains violation if {
	classification.is_personal(input.resource)
	location := regions.resource_location(input.resource)
	some violation in regions.transfer_violations(terraform.address(input.resource), location, location_field(input.resource))
}

location_field(resource) := cloud.location_field(resource) if {
	cloud.inventory(resource)
} else := "region" if {
	resource.kind == "google_sql_database_instance"
} else := "config" if {
	resource.kind == "google_spanner_instance"
} else := "location" if {
	startswith(resource.kind, "google_")
} else := "location" if {
	startswith(resource.kind, "azurerm_")
} else := "the provider region"
