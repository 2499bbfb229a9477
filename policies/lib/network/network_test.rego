package gavel.lib.network_test

import rego.v1

import data.gavel.lib.network

test_world_sources_case_insensitive if {
	network.from_anywhere(["10.0.0.0/8", "0.0.0.0/0"])
	network.from_anywhere(["Internet"])
	network.from_anywhere(["*"])
	not network.from_anywhere(["10.10.10.10", null])
	not network.from_anywhere([])
}

test_exposed_ports_in_range if {
	network.exposed_ports(22, 22) == {22: "SSH"}
	network.exposed_ports(0, 65535)[3389] == "RDP"
	network.exposed_ports(80, 443) == {}
	network.exposed_ports(3300, 3400) == {3306: "MySQL", 3389: "RDP"}
}

test_range_text_forms if {
	network.range_of("*") == [0, 65535]
	network.range_of("22") == [22, 22]
	network.range_of("30-50") == [30, 50]
	not network.range_of("ssh")
	not network.range_of(22)
}

test_exposed_by_ranges if {
	network.exposed_by_ranges(["235", "20-50"]) == {22: "SSH", 23: "Telnet"}
	network.exposed_by_ranges(["443", "bad"]) == {}
}

test_ports_are_data if {
	network.exposed_ports(8080, 8080) == {8080: "Jupyter"} with data.gavel.data.network_exposure as {"admin_ports": {"8080": "Jupyter"}}
}

test_describe_in_port_order if {
	network.describe({3389: "RDP", 22: "SSH"}) == "22 (SSH), 3389 (RDP)"
}

test_exposure_finding_names_ports_and_sources if {
	f := network.exposure_finding("aws_security_group.admin", "ingress[0].cidr_blocks", ["10.0.0.0/8", "0.0.0.0/0"], {22: "SSH"})
	f.msg == "aws_security_group.admin: ingress[0].cidr_blocks opens 22 (SSH) to the internet (0.0.0.0/0); allow only your administration or application networks there"
	f.details.ports == [22]
}
