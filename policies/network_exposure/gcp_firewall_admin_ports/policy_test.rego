package gavel.network_exposure.gcp_firewall_admin_ports_test

import rego.v1

import data.gavel.network_exposure.gcp_firewall_admin_ports as policy

firewall(attributes) := {"id": "terraform:google_compute_firewall.ssh", "kind": "google_compute_firewall", "name": "ssh", "attributes": object.union({"direction": "INGRESS", "disabled": false}, attributes)}

test_ssh_from_anywhere_denied if {
	[d.msg | some d in policy.deny] == ["google_compute_firewall.ssh: source_ranges opens 22 (SSH) to the internet (0.0.0.0/0); allow only your administration or application networks there"] with input as {"resource": firewall({"source_ranges": ["0.0.0.0/0"], "allow": [{"protocol": "tcp", "ports": ["22"]}]})}
}

test_iap_range_allowed if {
	count(policy.deny) == 0 with input as {"resource": firewall({"source_ranges": ["35.235.240.0/20"], "allow": [{"protocol": "tcp", "ports": ["22"]}]})}
}

test_allow_without_ports_opens_everything if {
	some d in policy.deny with input as {"resource": firewall({"source_ranges": ["0.0.0.0/0"], "allow": [{"protocol": "all"}]})}
	5432 in d.details.ports
}

test_web_ports_allowed if {
	count(policy.deny) == 0 with input as {"resource": firewall({"source_ranges": ["0.0.0.0/0"], "allow": [{"protocol": "tcp", "ports": ["80", "443"]}]})}
}

test_disabled_and_egress_not_judged if {
	rule := {"source_ranges": ["0.0.0.0/0"], "allow": [{"protocol": "tcp", "ports": ["3389"]}]}
	count(policy.deny) == 0 with input as {"resource": firewall(object.union(rule, {"disabled": true}))}
	count(policy.deny) == 0 with input as {"resource": firewall(object.union(rule, {"direction": "EGRESS"}))}
}
