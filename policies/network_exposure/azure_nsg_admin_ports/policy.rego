# METADATA
# title: Network security groups open no administration or database port to the internet
# description: >-
#   No inbound Allow rule of an Azure network security group (inline security_rule or
#   azurerm_network_security_rule) lets `*`, `Internet`, `Any` or 0.0.0.0/0 reach a remote
#   administration port (SSH, RDP, WinRM, ...) or a database port, the admin_ports and
#   database_ports parameters (data/network_exposure.yaml).
# custom:
#   id: azure_nsg_admin_ports
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: NIST-800-53, article: "AC-17"}
#     - {framework: ISO-27001, article: "A.8.20"}
#     - {framework: CIS, article: "Azure Foundations 2.0.0 6.1"}
#     - {framework: CIS, article: "Azure Foundations 2.0.0 6.2"}
#   resource_kinds: [azurerm_network_security_group, azurerm_network_security_rule]
#   remediation: |
#     resource "azurerm_network_security_rule" "ssh" {
#       direction                  = "Inbound"
#       access                     = "Allow"
#       protocol                   = "Tcp"
#       destination_port_range     = "22"
#       source_address_prefix      = "10.20.0.0/16"   # or a Bastion subnet, never * / Internet
#     }
package gavel.network_exposure.azure_nsg_admin_ports

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.network
import data.gavel.lib.terraform

# {field, rule} of every security rule the resource declares.
rules contains {"field": sprintf("security_rule[%s]", [object.get(r, "name", i)]), "rule": r} if {
	input.resource.kind == "azurerm_network_security_group"
	some i, r in terraform.blocks(input.resource.attributes, "security_rule")
}

rules contains {"field": "source_address_prefix", "rule": input.resource.attributes} if {
	input.resource.kind == "azurerm_network_security_rule"
}

texts(r, one, many) := array.concat([v | v := object.get(r, one, null); is_string(v); v != ""], checks.items(r, many))

deny contains network.exposure_finding(terraform.address(input.resource), entry.field, sources, ports) if {
	some entry in rules
	r := entry.rule
	checks.text(r.direction) == "inbound"
	checks.text(r.access) == "allow"
	checks.text(r.protocol) in {"tcp", "udp", "*", "any"}
	sources := texts(r, "source_address_prefix", "source_address_prefixes")
	network.from_anywhere(sources)
	ports := network.exposed_by_ranges(texts(r, "destination_port_range", "destination_port_ranges"))
	count(ports) > 0
}
