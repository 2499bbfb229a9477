# METADATA
# title: VPC firewall rules open no administration or database port to the internet
# description: >-
#   No enabled ingress rule of a google_compute_firewall allows 0.0.0.0/0 or ::/0 to reach a
#   remote administration port (SSH, RDP, ...) or a database port, the admin_ports and
#   database_ports parameters (data/network_exposure.yaml). An allow block without ports, or
#   with protocol all, opens every port. Use Identity-Aware Proxy TCP forwarding (35.235.240.0/20)
#   for administration instead.
# custom:
#   id: gcp_firewall_admin_ports
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: NIST-800-53, article: "AC-17"}
#     - {framework: ISO-27001, article: "A.8.20"}
#     - {framework: CIS, article: "GCP Foundations 2.0.0 3.6"}
#     - {framework: CIS, article: "GCP Foundations 2.0.0 3.7"}
#   resource_kinds: [google_compute_firewall]
#   remediation: |
#     resource "google_compute_firewall" "ssh_via_iap" {
#       direction     = "INGRESS"
#       source_ranges = ["35.235.240.0/20"]   # Identity-Aware Proxy, never 0.0.0.0/0
#       allow {
#         protocol = "tcp"
#         ports    = ["22"]
#       }
#     }
package gavel.network_exposure.gcp_firewall_admin_ports

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.network
import data.gavel.lib.terraform

attributes := input.resource.attributes

ingress if object.get(attributes, "direction", "INGRESS") in {"INGRESS", null}

# The port ranges an allow block opens; every port when it names none.
ranges(allow) := ["*"] if {
	count(checks.items(allow, "ports")) == 0
} else := allow.ports

deny contains network.exposure_finding(terraform.address(input.resource), "source_ranges", sources, ports) if {
	ingress
	not terraform.is_true(object.get(attributes, "disabled", false))
	sources := checks.items(attributes, "source_ranges")
	network.from_anywhere(sources)
	ports := {port: service |
		some allow in terraform.blocks(attributes, "allow")
		checks.text(allow.protocol) in {"tcp", "udp", "all", "6", "17"}
		some port, service in network.exposed_by_ranges(ranges(allow))
	}
	count(ports) > 0
}
