# METADATA
# title: Azure storage accounts deny public network access and anonymous blob reads
# description: >-
#   A storage account refuses traffic from networks it does not name (network_rules
#   .default_action = "Deny", or public_network_access_enabled = false) and allows no container
#   to be read anonymously (allow_nested_items_to_be_public, formerly allow_blob_public_access,
#   false).
# custom:
#   id: azure_storage_not_public
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: NIST-800-53, article: "AC-3"}
#     - {framework: ISO-27001, article: "A.8.3"}
#     - {framework: CIS, article: "Azure Foundations 2.0.0 3.7"}
#     - {framework: CIS, article: "Azure Foundations 2.0.0 3.8"}
#   resource_kinds: [azurerm_storage_account, microsoft.storage/storageaccounts]
#   remediation: |
#     resource "azurerm_storage_account" "lake" {
#       allow_nested_items_to_be_public = false
#       network_rules {
#         default_action             = "Deny"
#         virtual_network_subnet_ids = [azurerm_subnet.pipelines.id]
#         bypass                     = ["AzureServices"]
#       }
#     }
package gavel.network_exposure.azure_storage_not_public

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.cloud
import data.gavel.lib.terraform

attributes := input.resource.attributes

subject := terraform.address(input.resource)

default_actions := terraform.leaf_values(attributes, ["network_rules", "default_action"])

deny contains checks.finding(subject, "network_rules.default_action", terraform.first(default_actions), "Deny") if {
	open_by_default
	not terraform.unknown(input.resource, ["network_rules", "default_action"])
}

warn contains checks.after_apply(subject, "network_rules.default_action", "Deny") if {
	open_by_default
	terraform.unknown(input.resource, ["network_rules", "default_action"])
}

open_by_default if {
	not cloud.azure_row(input.resource)
	not "Deny" in default_actions
	not terraform.is_false(object.get(attributes, "public_network_access_enabled", true))
}

# A Resource Graph row (a saved `Resources` query) names the same settings in ARM's terms.
deny contains checks.finding(subject, "properties.networkAcls.defaultAction", action, "Deny") if {
	cloud.azure_row(input.resource)
	action := object.get(attributes, ["properties", "networkAcls", "defaultAction"], null)
	action != "Deny"
	object.get(attributes, ["properties", "publicNetworkAccess"], "Enabled") != "Disabled"
}

deny contains checks.finding(subject, "properties.allowBlobPublicAccess", true, false) if {
	cloud.azure_row(input.resource)
	terraform.is_true(object.get(attributes, ["properties", "allowBlobPublicAccess"], false))
}

deny contains checks.finding(subject, name, true, false) if {
	some name in ["allow_nested_items_to_be_public", "allow_blob_public_access"]
	terraform.is_true(object.get(attributes, name, false))
}
