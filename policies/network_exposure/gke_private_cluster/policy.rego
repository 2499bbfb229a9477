# METADATA
# title: GKE clusters have private nodes and a control plane limited to authorized networks
# description: >-
#   Nodes of a GKE cluster get internal addresses only (private_cluster_config
#   .enable_private_nodes), and the control plane accepts connections only from the networks
#   listed in master_authorized_networks_config, none of them internet-wide (public_api_cidrs,
#   data/network_exposure.yaml).
# custom:
#   id: gke_private_cluster
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-04]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: NIST-800-53, article: "AC-17"}
#     - {framework: ISO-27001, article: "A.8.22"}
#     - {framework: CIS, article: "GKE 1.5.0 5.6.3"}
#     - {framework: CIS, article: "GKE 1.5.0 5.6.5"}
#   resource_kinds: [google_container_cluster]
#   remediation: |
#     resource "google_container_cluster" "ml" {
#       private_cluster_config {
#         enable_private_nodes    = true
#         enable_private_endpoint = false
#         master_ipv4_cidr_block  = "172.16.0.32/28"
#       }
#       master_authorized_networks_config {
#         cidr_blocks {
#           cidr_block   = "10.20.0.0/16"
#           display_name = "ci-and-vpn"
#         }
#       }
#     }
package gavel.network_exposure.gke_private_cluster

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

attributes := input.resource.attributes

subject := terraform.address(input.resource)

public_cidrs := object.get(checks.parameters("network_exposure"), "public_api_cidrs", ["0.0.0.0/0", "::/0"])

deny contains checks.path_finding(input.resource, ["private_cluster_config", "enable_private_nodes"], true) if {
	not checks.on(attributes, ["private_cluster_config", "enable_private_nodes"])
}

deny contains checks.finding(subject, "master_authorized_networks_config", null, "a block listing the networks allowed to reach the control plane") if {
	count(terraform.blocks(attributes, "master_authorized_networks_config")) == 0
}

deny contains checks.finding(subject, "master_authorized_networks_config.cidr_blocks.cidr_block", cidr, "a specific network") if {
	some cidr in terraform.leaf_values(attributes, ["master_authorized_networks_config", "cidr_blocks", "cidr_block"])
	cidr in public_cidrs
}
