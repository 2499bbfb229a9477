# METADATA
# title: Kubernetes Ingresses terminate TLS for every host they serve
# description: >-
#   An Ingress has a spec.tls entry, and every host named in its rules is listed under a TLS
#   entry's hosts, so no route is served over plain HTTP.
# custom:
#   id: ingress_tls
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-TLS-05]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(a)"}
#     - {framework: NIST-800-53, article: "SC-8(1)"}
#     - {framework: ISO-27001, article: "A.8.24"}
#   resource_kinds: [Ingress]
#   remediation: |
#     spec:
#       tls:
#         - hosts: [models.example.com]
#           secretName: models-example-com-tls
#       rules:
#         - host: models.example.com
package gavel.encryption_in_transit.ingress_tls

import rego.v1

import data.gavel.lib.k8s

spec := object.get(input.resource.attributes, "spec", {})

tls_entries := object.get(spec, "tls", [])

deny contains {
	"msg": sprintf("%s: spec.tls is missing; add spec.tls with hosts and a secretName holding the certificate", [k8s.display(input.resource)]),
	"details": {"field": "spec.tls", "actual": null, "expected": "a TLS entry with hosts and secretName"},
} if {
	count(tls_entries) == 0
}

deny contains {
	"msg": sprintf("%s: host %q is served without TLS; add it to spec.tls[].hosts", [k8s.display(input.resource), host]),
	"details": {"field": "spec.tls[].hosts", "actual": host, "expected": "every rule host listed under spec.tls[].hosts"},
} if {
	count(tls_entries) > 0
	tls_hosts := {h | some entry in tls_entries; some h in object.get(entry, "hosts", [])}
	some rule in object.get(spec, "rules", [])
	host := rule.host
	not host in tls_hosts
	not wildcard_covers(tls_hosts, host)
}

wildcard_covers(tls_hosts, host) if {
	some pattern in tls_hosts
	startswith(pattern, "*.")
	glob.match(pattern, ["."], host)
}
