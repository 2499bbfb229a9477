package gavel.network_exposure.azure_db_firewall_not_internet_test

import rego.v1

import data.gavel.network_exposure.azure_db_firewall_not_internet as policy

rule(start, end) := {"id": "terraform:azurerm_sql_firewall_rule.r", "kind": "azurerm_sql_firewall_rule", "name": "r", "attributes": {"start_ip_address": start, "end_ip_address": end}}

test_everything_denied if {
	{d.details.field | some d in policy.deny} == {"start_ip_address", "end_ip_address"} with input as {"resource": rule("0.0.0.0", "255.255.255.255")}
}

test_azure_services_rule_denied if {
	[d.msg | some d in policy.deny] == ["azurerm_sql_firewall_rule.r: start_ip_address is 0.0.0.0; set start_ip_address to an address range of your own networks"] with input as {"resource": rule("0.0.0.0", "0.0.0.0")}
}

test_open_ended_range_denied if {
	count(policy.deny) == 1 with input as {"resource": rule("10.0.17.62", "255.255.255.255")}
}

test_single_address_allowed if {
	count(policy.deny) == 0 with input as {"resource": rule("10.0.17.62", "10.0.17.62")}
}
