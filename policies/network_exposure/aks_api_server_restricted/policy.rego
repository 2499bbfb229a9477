# METADATA
# title: AKS API servers are private or limited to authorized IP ranges
# description: >-
#   An AKS cluster is private (private_cluster_enabled) or lists the networks allowed to reach
#   its API server (api_server_access_profile.authorized_ip_ranges, or the older
#   api_server_authorized_ip_ranges), none of them internet-wide (public_api_cidrs,
#   data/network_exposure.yaml). Without either the API server answers the whole internet.
# custom:
#   id: aks_api_server_restricted
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-04]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: NIST-800-53, article: "AC-17"}
#     - {framework: ISO-27001, article: "A.8.22"}
#     - {framework: CIS, article: "AKS 1.4.0 5.4.1"}
#   resource_kinds: [azurerm_kubernetes_cluster]
#   remediation: |
#     resource "azurerm_kubernetes_cluster" "ml" {
#       private_cluster_enabled = true
#       # or, for a public API server:
#       # api_server_access_profile { authorized_ip_ranges = ["203.0.113.0/24"] }
#     }
package gavel.network_exposure.aks_api_server_restricted

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

attributes := input.resource.attributes

public_cidrs := object.get(checks.parameters("network_exposure"), "public_api_cidrs", ["0.0.0.0/0", "::/0"])

ranges := array.concat(
	terraform.leaf_values(attributes, ["api_server_access_profile", "authorized_ip_ranges"]),
	[checks.items(attributes, "api_server_authorized_ip_ranges")],
)

cidrs := [c | some list in ranges; is_array(list); some c in list]

field := "api_server_access_profile.authorized_ip_ranges"

expected := "private_cluster_enabled = true, or named networks"

deny contains checks.finding(terraform.address(input.resource), field, cidrs, expected) if {
	public_api_server
	not terraform.unknown(input.resource, ["api_server_access_profile", "authorized_ip_ranges"])
}

warn contains checks.after_apply(terraform.address(input.resource), field, expected) if {
	public_api_server
	terraform.unknown(input.resource, ["api_server_access_profile", "authorized_ip_ranges"])
}

public_api_server if {
	not terraform.is_true(object.get(attributes, "private_cluster_enabled", false))
	open_api_server
}

open_api_server if count(cidrs) == 0

open_api_server if {
	some cidr in cidrs
	cidr in public_cidrs
}
