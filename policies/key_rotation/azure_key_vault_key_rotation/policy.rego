# METADATA
# title: Azure Key Vault keys have an automatic rotation policy
# description: >-
#   azurerm_key_vault_key resources carry a rotation_policy whose automatic block rotates the
#   key within max_key_rotation_days (data/encryption.yaml): time_after_creation, or
#   expire_after minus time_before_expiry. ISO 8601 durations are read with months as 30 and
#   years as 365 days.
# custom:
#   id: azure_key_vault_key_rotation
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-KEY-01]
#   regulations:
#     - {framework: NIST-800-53, article: "SC-12"}
#     - {framework: ISO-27001, article: "A.8.24"}
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#   resource_kinds: [azurerm_key_vault_key]
#   remediation: |
#     resource "azurerm_key_vault_key" "data" {
#       rotation_policy {
#         automatic { time_after_creation = "P90D" }
#         expire_after         = "P1Y"
#         notify_before_expiry = "P30D"
#       }
#     }
package gavel.key_rotation.azure_key_vault_key_rotation

import rego.v1

import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.terraform

max_days := object.get(checks_documents, ["encryption", "max_key_rotation_days"], 365)

policy := terraform.first(array.concat(terraform.blocks(input.resource.attributes, "rotation_policy"), [{}]))

automatic := terraform.first(array.concat(terraform.blocks(policy, "automatic"), [{}]))

unit_days := {"Y": 365, "M": 30, "W": 7, "D": 1}

# Days of an ISO 8601 date duration (P1Y, P90D, P1Y6M); undefined for anything else.
days(duration) := sum(parts) if {
	is_string(duration)
	regex.match(`^P([0-9]+[YMWD])+$`, upper(duration))
	parts := [n |
		some part in regex.find_n(`[0-9]+[YMWD]`, upper(duration), -1)
		n := to_number(trim_right(part, "YMWD")) * unit_days[right(part)]
	]
}

right(text) := substring(text, count(text) - 1, 1)

rotation_days := days(automatic.time_after_creation)

rotation_days := days(policy.expire_after) - days(automatic.time_before_expiry) if {
	not automatic.time_after_creation
}

deny contains {
	"msg": sprintf("%s: rotation_policy.automatic is missing; set rotation_policy { automatic { time_after_creation = \"P%vD\" } } or shorter", [terraform.address(input.resource), max_days]),
	"details": {"field": "rotation_policy.automatic", "actual": null, "expected": sprintf("rotation within %v days", [max_days])},
} if {
	not rotation_days
}

deny contains {
	"msg": sprintf("%s: rotation_policy rotates the key every %v days; set rotation_policy.automatic.time_after_creation to at most P%vD", [terraform.address(input.resource), rotation_days, max_days]),
	"details": {"field": "rotation_policy.automatic.time_after_creation", "actual": rotation_days, "expected": sprintf("<= P%vD", [max_days])},
} if {
	rotation_days > max_days
}
