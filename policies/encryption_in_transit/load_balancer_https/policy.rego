# METADATA
# title: Load balancer listeners serve HTTPS or redirect to it
# description: >-
#   An aws_lb_listener / aws_alb_listener with protocol HTTP must only redirect to HTTPS; any
#   other default action serves traffic in clear. HTTPS and TLS listeners need a TLS 1.2+
#   ssl_policy.
# custom:
#   id: load_balancer_https
#   version: 1.0.0
#   severity: high
#   controls: [GVL-TLS-02]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: NIST-800-53, article: "SC-8(1)"}
#     - {framework: NIST-800-53, article: "SC-13"}
#     - {framework: ISO-27001, article: "A.8.24"}
#   resource_kinds: [aws_lb_listener, aws_alb_listener]
#   remediation: |
#     resource "aws_lb_listener" "http" {
#       port     = 80
#       protocol = "HTTP"
#       default_action {
#         type = "redirect"
#         redirect { port = "443"  protocol = "HTTPS"  status_code = "HTTP_301" }
#       }
#     }
package gavel.encryption_in_transit.load_balancer_https

import rego.v1

import data.gavel.lib.terraform

attributes := input.resource.attributes

deny contains {
	"msg": sprintf("%s: protocol is HTTP and default_action does not redirect to HTTPS; set default_action type to redirect with redirect.protocol HTTPS, or protocol to HTTPS", [terraform.address(input.resource)]),
	"details": {"field": "default_action", "actual": [a.type | some a in terraform.blocks(attributes, "default_action")], "expected": "redirect to HTTPS"},
} if {
	upper(object.get(attributes, "protocol", "HTTP")) == "HTTP"
	not redirects_to_https
}

deny contains {
	"msg": sprintf("%s: ssl_policy %q allows TLS versions below 1.2; set ssl_policy to ELBSecurityPolicy-TLS13-1-2-2021-06", [terraform.address(input.resource), attributes.ssl_policy]),
	"details": {"field": "ssl_policy", "actual": attributes.ssl_policy, "expected": "ELBSecurityPolicy-TLS13-1-2-2021-06"},
} if {
	upper(attributes.protocol) in {"HTTPS", "TLS"}
	attributes.ssl_policy in legacy_ssl_policies
}

legacy_ssl_policies := {
	"ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-2015-05", "ELBSecurityPolicy-TLS-1-0-2015-04",
	"ELBSecurityPolicy-TLS-1-1-2017-01", "ELBSecurityPolicy-FS-2018-06", "ELBSecurityPolicy-FS-1-1-2019-08",
	"ELBSecurityPolicy-TLS13-1-0-2021-06", "ELBSecurityPolicy-TLS13-1-1-2021-06",
}

redirects_to_https if {
	actions := terraform.blocks(attributes, "default_action")
	count(actions) > 0
	every action in actions {
		action.type == "redirect"
		some redirect in terraform.blocks(action, "redirect")
		upper(redirect.protocol) == "HTTPS"
	}
}
