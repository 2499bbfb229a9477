# METADATA
# title: Database connections require TLS 1.2 or later
# description: >-
#   Cloud SQL instances accept only encrypted connections (ssl_mode ENCRYPTED_ONLY or
#   TRUSTED_CLIENT_CERTIFICATE_REQUIRED, or the older require_ssl = true); Azure SQL, MySQL and
#   PostgreSQL servers enforce SSL and a minimum TLS version of 1.2.
# custom:
#   id: database_tls
#   version: 1.0.0
#   severity: high
#   controls: [GVL-TLS-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: NIST-800-53, article: "SC-8(1)"}
#     - {framework: NIST-800-53, article: "SC-13"}
#     - {framework: CIS, article: "GCP Foundations 2.0.0 6.4"}
#   resource_kinds: [google_sql_database_instance, azurerm_mssql_server, azurerm_postgresql_server,
#     azurerm_mysql_server]
#   remediation: |
#     resource "google_sql_database_instance" "main" {
#       settings { ip_configuration { ssl_mode = "ENCRYPTED_ONLY" } }
#     }
#     resource "azurerm_mssql_server" "x" { minimum_tls_version = "1.2" }
#     resource "azurerm_postgresql_server" "x" {
#       ssl_enforcement_enabled          = true
#       ssl_minimal_tls_version_enforced = "TLS1_2"
#     }
package gavel.encryption_in_transit.database_tls

import rego.v1

import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.terraform

min_tls := object.get(checks_documents, ["encryption", "min_tls_version"], 1.2)

attributes := input.resource.attributes

encrypted_ssl_modes := {"ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"}

deny contains finding("settings.ip_configuration.ssl_mode", ssl_mode, "ENCRYPTED_ONLY") if {
	input.resource.kind == "google_sql_database_instance"
	ip := terraform.first(array.concat(terraform.nested(attributes, ["settings", "ip_configuration"]), [{}]))
	not cloud_sql_requires_tls(ip)
	ssl_mode := object.get(ip, "ssl_mode", null)
}

cloud_sql_requires_tls(ip) if ip.ssl_mode in encrypted_ssl_modes

cloud_sql_requires_tls(ip) if {
	not terraform.has_value(ip, "ssl_mode")
	terraform.is_true(ip.require_ssl)
}

deny contains finding("minimum_tls_version", actual, "1.2") if {
	input.resource.kind == "azurerm_mssql_server"
	actual := object.get(attributes, "minimum_tls_version", null)
	not tls_at_least(actual)
}

deny contains finding("ssl_enforcement_enabled", actual, true) if {
	input.resource.kind in {"azurerm_postgresql_server", "azurerm_mysql_server"}
	actual := object.get(attributes, "ssl_enforcement_enabled", null)
	not terraform.is_true(actual)
}

deny contains finding("ssl_minimal_tls_version_enforced", actual, "TLS1_2") if {
	input.resource.kind in {"azurerm_postgresql_server", "azurerm_mysql_server"}
	actual := object.get(attributes, "ssl_minimal_tls_version_enforced", null)
	not tls_at_least(actual)
}

# "1.2", "TLS1_2", "TLS1_3" and the like, compared with the min_tls_version parameter.
tls_at_least(value) if {
	is_string(value)
	digits := regex.find_n(`[0-9]+`, value, 2)
	count(digits) == 2
	to_number(concat(".", digits)) >= min_tls
}

finding(field, actual, expected) := {
	"msg": sprintf("%s: %s is %v; set %s to %v", [terraform.address(input.resource), field, actual, field, expected]),
	"details": {"field": field, "actual": actual, "expected": expected},
}
