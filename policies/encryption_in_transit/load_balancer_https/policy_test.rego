package gavel.encryption_in_transit.load_balancer_https_test

import rego.v1

import data.gavel.encryption_in_transit.load_balancer_https as policy

listener(attributes) := {"id": "terraform:aws_lb_listener.front", "kind": "aws_lb_listener", "name": "front", "attributes": attributes}

test_http_forward_denied if {
	some d in policy.deny with input as {"resource": listener({"protocol": "HTTP", "port": 80, "default_action": [{"type": "forward"}]})}
	d.details.actual == ["forward"]
}

test_http_redirect_allowed if {
	attrs := {"protocol": "HTTP", "default_action": [{"type": "redirect", "redirect": [{"protocol": "HTTPS", "port": "443"}]}]}
	count(policy.deny) == 0 with input as {"resource": listener(attrs)}
}

test_redirect_to_http_denied if {
	attrs := {"protocol": "HTTP", "default_action": [{"type": "redirect", "redirect": [{"protocol": "HTTP", "port": "8080"}]}]}
	count(policy.deny) == 1 with input as {"resource": listener(attrs)}
}

test_missing_protocol_counts_as_http if {
	count(policy.deny) == 1 with input as {"resource": listener({"default_action": [{"type": "forward"}]})}
}

test_https_modern_policy_allowed_legacy_denied if {
	attrs := {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "default_action": [{"type": "forward"}]}
	count(policy.deny) == 0 with input as {"resource": listener(attrs)}
	some d in policy.deny with input as {"resource": listener(object.union(attrs, {"ssl_policy": "ELBSecurityPolicy-2016-08"}))}
	d.details.field == "ssl_policy"
}
