# METADATA
# title: Security groups open no administration or database port to the internet
# description: >-
#   No ingress rule of a security group (inline `ingress`, aws_security_group_rule of type
#   ingress, aws_vpc_security_group_ingress_rule) lets 0.0.0.0/0 or ::/0 reach a remote
#   administration port (SSH, RDP, WinRM, the Kubernetes API, ...) or a database port (MySQL,
#   PostgreSQL, Redis, MongoDB, ...), the admin_ports and database_ports parameters
#   (data/network_exposure.yaml). Rules for all protocols open every port.
# custom:
#   id: aws_security_group_admin_ports
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: NIST-800-53, article: "AC-17"}
#     - {framework: ISO-27001, article: "A.8.20"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 5.2"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 5.3"}
#   resource_kinds: [aws_security_group, aws_security_group_rule, aws_vpc_security_group_ingress_rule]
#   remediation: |
#     resource "aws_security_group_rule" "ssh" {
#       type        = "ingress"
#       from_port   = 22
#       to_port     = 22
#       protocol    = "tcp"
#       cidr_blocks = ["10.20.0.0/16"]   # the bastion / VPN network, never 0.0.0.0/0
#     }
package gavel.network_exposure.aws_security_group_admin_ports

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.network
import data.gavel.lib.terraform

attributes := input.resource.attributes

# {field, sources, protocol, from, to} of every ingress rule the resource declares.
rules contains rule(sprintf("ingress[%d]", [i]), r) if {
	input.resource.kind == "aws_security_group"
	some i, r in terraform.blocks(attributes, "ingress")
}

rules contains rule("", attributes) if {
	input.resource.kind == "aws_security_group_rule"
	attributes.type == "ingress"
}

rules contains {
	"field": "cidr_ipv4",
	"sources": [object.get(attributes, "cidr_ipv4", null), object.get(attributes, "cidr_ipv6", null)],
	"protocol": attributes.ip_protocol,
	"from": object.get(attributes, "from_port", null),
	"to": object.get(attributes, "to_port", null),
} if {
	input.resource.kind == "aws_vpc_security_group_ingress_rule"
}

rule(prefix, r) := {
	"field": concat(".", [p | some p in [prefix, "cidr_blocks"]; p != ""]),
	"sources": array.concat(list(r, "cidr_blocks"), list(r, "ipv6_cidr_blocks")),
	"protocol": r.protocol,
	"from": object.get(r, "from_port", null),
	"to": object.get(r, "to_port", null),
}

list(r, name) := r[name] if {
	is_array(r[name])
} else := []

# The port range a rule opens; every port for "all protocols".
bounds(r) := [0, 65535] if {
	checks.text(r.protocol) in {"-1", "all"}
} else := [r.from, r.to] if {
	checks.text(r.protocol) in {"tcp", "udp", "6", "17"}
	is_number(r.from)
	is_number(r.to)
}

deny contains network.exposure_finding(terraform.address(input.resource), r.field, r.sources, ports) if {
	some r in rules
	network.from_anywhere(r.sources)
	[low, high] := bounds(r)
	ports := network.exposed_ports(low, high)
	count(ports) > 0
}
