package gavel.network_exposure.azure_nsg_admin_ports_test

import rego.v1

import data.gavel.network_exposure.azure_nsg_admin_ports as policy

rule(source, ports) := {"name": "r1", "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "source_address_prefix": source, "source_address_prefixes": [], "destination_port_range": "", "destination_port_ranges": ports}

nsg(rules) := {"id": "terraform:azurerm_network_security_group.ml", "kind": "azurerm_network_security_group", "name": "ml", "attributes": {"security_rule": rules}}

test_ssh_from_internet_denied if {
	[d.msg | some d in policy.deny] == ["azurerm_network_security_group.ml: security_rule[r1] opens 22 (SSH) to the internet (Internet); allow only your administration or application networks there"] with input as {"resource": nsg([rule("Internet", ["22"])])}
}

test_any_port_from_star_denied if {
	some d in policy.deny with input as {"resource": nsg([object.union(rule("*", []), {"destination_port_range": "*"})])}
	3389 in d.details.ports
}

test_private_source_allowed if {
	count(policy.deny) == 0 with input as {"resource": nsg([rule("10.10.10.10", ["22", "3389"])])}
}

test_deny_rules_and_outbound_not_judged if {
	count(policy.deny) == 0 with input as {"resource": nsg([object.union(rule("*", ["22"]), {"access": "Deny"})])}
	count(policy.deny) == 0 with input as {"resource": nsg([object.union(rule("*", ["22"]), {"direction": "Outbound"})])}
}

test_https_allowed if {
	count(policy.deny) == 0 with input as {"resource": nsg([rule("Internet", ["443"])])}
}

test_separate_rule_resource if {
	r := {"id": "terraform:azurerm_network_security_rule.rdp", "kind": "azurerm_network_security_rule", "name": "rdp", "attributes": object.union(rule("0.0.0.0/0", []), {"destination_port_range": "3389"})}
	[d.details.ports | some d in policy.deny] == [[3389]] with input as {"resource": r}
}
