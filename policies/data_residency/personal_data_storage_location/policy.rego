# METADATA
# title: Object storage holding personal data stays in the EEA or an adequate country
# description: >-
#   A bucket or storage account classified personal (or special-category) must be located in
#   the EEA or in a country with an EU adequacy decision. Anywhere else is a transfer under
#   GDPR Chapter V that needs safeguards a region name cannot show. Unknown regions count as
#   outside the EEA.
# custom:
#   id: personal_data_storage_location
#   version: 1.0.0
#   severity: critical
#   controls: [GVL-RES-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 44"}
#     - {framework: GDPR, article: "Art. 45"}
#     - {framework: GDPR, article: "Art. 46"}
#     - {framework: NIST-800-53, article: "SA-9(5)"}
#     - {framework: ISO-27001, article: "A.5.34"}
#   resource_kinds: [aws_s3_bucket, google_storage_bucket, azurerm_storage_account, AWS::S3::Bucket,
#     storage.googleapis.com/Bucket, microsoft.storage/storageaccounts]
#   remediation: |
#     Create the store in an EEA region (or one listed as adequate in data/regions.yaml):
#       provider "aws" { region = "eu-central-1" }            # aws_s3_bucket
#       resource "google_storage_bucket" "x" { location = "EU" }
#       resource "azurerm_storage_account" "x" { location = "westeurope" }
#     If the transfer rests on Art. 46 safeguards (SCCs), record a waiver with the SCC reference.
package gavel.data_residency.personal_data_storage_location

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
} else := "location" if {
	resource.kind in {"google_storage_bucket", "azurerm_storage_account"}
} else := "the provider region"
