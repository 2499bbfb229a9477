# METADATA
# title: Azure database firewall rules do not admit the whole internet
# description: >-
#   A firewall rule of Azure SQL, PostgreSQL, MySQL or MariaDB neither starts at 0.0.0.0 nor
#   ends at 255.255.255.255: such a range admits any address (0.0.0.0-255.255.255.255), a large
#   part of the internet, or every Azure customer's services (the 0.0.0.0-0.0.0.0 "Allow Azure
#   services" rule).
# custom:
#   id: azure_db_firewall_not_internet
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: ISO-27001, article: "A.8.20"}
#     - {framework: CIS, article: "Azure Foundations 2.0.0 4.1.2"}
#   resource_kinds: [azurerm_sql_firewall_rule, azurerm_mssql_firewall_rule,
#     azurerm_postgresql_firewall_rule, azurerm_postgresql_flexible_server_firewall_rule,
#     azurerm_mysql_firewall_rule, azurerm_mysql_flexible_server_firewall_rule,
#     azurerm_mariadb_firewall_rule]
#   remediation: |
#     resource "azurerm_mssql_firewall_rule" "office" {
#       start_ip_address = "203.0.113.0"
#       end_ip_address   = "203.0.113.255"
#     }
#     Prefer a private endpoint and public_network_access_enabled = false on the server.
package gavel.network_exposure.azure_db_firewall_not_internet

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

attributes := input.resource.attributes

# The bound of the range that reaches the edge of the address space, and that edge.
edges := {"start_ip_address": "0.0.0.0", "end_ip_address": "255.255.255.255"}

deny contains checks.finding(terraform.address(input.resource), field, edge, "an address range of your own networks") if {
	some field, edge in edges
	attributes[field] == edge
}
