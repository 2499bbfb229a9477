package gavel.network_exposure.aws_security_group_admin_ports_test

import rego.v1

import data.gavel.network_exposure.aws_security_group_admin_ports as policy

group(ingress) := {"id": "terraform:aws_security_group.web", "kind": "aws_security_group", "name": "web", "attributes": {"ingress": ingress}}

ingress(cidrs, protocol, from, to) := {"cidr_blocks": cidrs, "ipv6_cidr_blocks": [], "protocol": protocol, "from_port": from, "to_port": to}

test_ssh_from_anywhere_denied if {
	[d.msg | some d in policy.deny] == ["aws_security_group.web: ingress[0].cidr_blocks opens 22 (SSH) to the internet (0.0.0.0/0); allow only your administration or application networks there"] with input as {"resource": group([ingress(["0.0.0.0/0"], "tcp", 22, 22)])}
}

test_https_from_anywhere_allowed if {
	count(policy.deny) == 0 with input as {"resource": group([ingress(["0.0.0.0/0"], "tcp", 443, 443)])}
}

test_ssh_from_private_network_allowed if {
	count(policy.deny) == 0 with input as {"resource": group([ingress(["10.0.0.0/8"], "tcp", 22, 22)])}
}

test_all_protocols_from_ipv6_anywhere if {
	r := {"cidr_blocks": [], "ipv6_cidr_blocks": ["::/0"], "protocol": "-1", "from_port": 0, "to_port": 0}
	some d in policy.deny with input as {"resource": group([r])}
	22 in d.details.ports
	3306 in d.details.ports
}

test_wide_tcp_range if {
	[d.details.ports | some d in policy.deny] == [[3306, 3389]] with input as {"resource": group([ingress(["0.0.0.0/0"], "tcp", 3300, 3400)])}
}

test_icmp_not_judged if {
	count(policy.deny) == 0 with input as {"resource": group([ingress(["0.0.0.0/0"], "icmp", -1, -1)])}
}

test_security_group_rule if {
	r := {"id": "terraform:aws_security_group_rule.db", "kind": "aws_security_group_rule", "name": "db", "attributes": object.union(ingress(["0.0.0.0/0"], "tcp", 5432, 5432), {"type": "ingress"})}
	[d.details.field | some d in policy.deny] == ["cidr_blocks"] with input as {"resource": r}
	count(policy.deny) == 0 with input as {"resource": object.union(r, {"attributes": {"type": "egress"}})}
}

test_vpc_ingress_rule if {
	r := {"id": "terraform:aws_vpc_security_group_ingress_rule.rdp", "kind": "aws_vpc_security_group_ingress_rule", "name": "rdp", "attributes": {"cidr_ipv4": "0.0.0.0/0", "ip_protocol": "tcp", "from_port": 3389, "to_port": 3389}}
	[d.details.ports | some d in policy.deny] == [[3389]] with input as {"resource": r}
}
