# METADATA
# title: Azure storage accounts accept HTTPS only, with TLS 1.2 or later
# description: >-
#   azurerm_storage_account sets https_traffic_only_enabled (enable_https_traffic_only before
#   provider v4) to true and min_tls_version to TLS1_2. An absent setting is a finding: the plan
#   must show the value, not rely on a provider default that has changed between versions.
# custom:
#   id: azure_storage_secure_transfer
#   version: 1.0.0
#   severity: high
#   controls: [GVL-TLS-04]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: NIST-800-53, article: "SC-8(1)"}
#     - {framework: CIS, article: "Azure Foundations 2.0.0 3.1"}
#     - {framework: CIS, article: "Azure Foundations 2.0.0 3.15"}
#   resource_kinds: [azurerm_storage_account, microsoft.storage/storageaccounts]
#   remediation: |
#     resource "azurerm_storage_account" "x" {
#       https_traffic_only_enabled = true     # enable_https_traffic_only on provider < 4.0
#       min_tls_version            = "TLS1_2"
#     }
package gavel.encryption_in_transit.azure_storage_secure_transfer

import rego.v1

import data.gavel.lib.cloud
import data.gavel.lib.terraform

attributes := input.resource.attributes

https_fields := [f | some f in ["https_traffic_only_enabled", "enable_https_traffic_only"]; f in object.keys(attributes)]

# A Resource Graph row (a saved `Resources` query) names the same settings in ARM's terms.
deny contains finding("properties.supportsHttpsTrafficOnly", actual, true) if {
	cloud.azure_row(input.resource)
	actual := object.get(input.resource.attributes, ["properties", "supportsHttpsTrafficOnly"], null)
	not terraform.is_true(actual)
}

deny contains finding("properties.minimumTlsVersion", actual, "TLS1_2") if {
	cloud.azure_row(input.resource)
	actual := object.get(input.resource.attributes, ["properties", "minimumTlsVersion"], null)
	not actual in {"TLS1_2", "TLS1_3"}
}

deny contains finding(field, actual, true) if {
	not cloud.azure_row(input.resource)
	field := terraform.first(array.concat(https_fields, ["https_traffic_only_enabled"]))
	actual := object.get(attributes, field, null)
	not terraform.is_true(actual)
}

deny contains finding("min_tls_version", actual, "TLS1_2") if {
	not cloud.azure_row(input.resource)
	actual := object.get(attributes, "min_tls_version", null)
	not actual in {"TLS1_2", "TLS1_3"}
}

finding(field, actual, expected) := {
	"msg": sprintf("%s: %s is %v; set %s to %v", [terraform.address(input.resource), field, actual, field, expected]),
	"details": {"field": field, "actual": actual, "expected": expected},
}

