# METADATA
# title: Cloud SQL instances are not reachable from the whole internet
# description: >-
#   No authorized network of a Cloud SQL instance is 0.0.0.0/0 (or another internet-wide
#   range, data/network_exposure.yaml), and an instance classified confidential or above
#   (private_ip_classifications) has no public IPv4 address at all (ipv4_enabled false, with a
#   private_network): clients connect over private IP or the Cloud SQL Auth Proxy.
# custom:
#   id: cloudsql_not_public
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: ISO-27001, article: "A.8.20"}
#     - {framework: CIS, article: "GCP Foundations 2.0.0 6.5"}
#     - {framework: CIS, article: "GCP Foundations 2.0.0 6.6"}
#   resource_kinds: [google_sql_database_instance]
#   remediation: |
#     resource "google_sql_database_instance" "crm" {
#       settings {
#         ip_configuration {
#           ipv4_enabled    = false
#           private_network = google_compute_network.private.id
#         }
#       }
#     }
package gavel.network_exposure.cloudsql_not_public

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.classification
import data.gavel.lib.network
import data.gavel.lib.terraform

ip_configurations := terraform.nested(input.resource.attributes, ["settings", "ip_configuration"])

subject := terraform.address(input.resource)

deny contains checks.finding(subject, sprintf("settings.ip_configuration.authorized_networks[%s].value", [object.get(n, "name", "")]), n.value, "a specific client network") if {
	some config in ip_configurations
	some n in terraform.blocks(config, "authorized_networks")
	network.from_anywhere([n.value])
}

deny contains checks.finding(subject, "settings.ip_configuration.ipv4_enabled", true, false) if {
	classification.in_classes(input.resource, object.get(checks.parameters("network_exposure"), "private_ip_classifications", []))
	some config in ip_configurations
	not terraform.is_false(object.get(config, "ipv4_enabled", true))
}
