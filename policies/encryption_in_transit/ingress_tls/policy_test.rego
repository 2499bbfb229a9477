package gavel.encryption_in_transit.ingress_tls_test

import rego.v1

import data.gavel.encryption_in_transit.ingress_tls as policy

ingress(spec) := {"kind": "Ingress", "name": "models", "namespace": "ml", "attributes": {"kind": "Ingress", "spec": spec}}

test_no_tls_denied if {
	[d.msg | some d in policy.deny] == ["Ingress/ml/models: spec.tls is missing; add spec.tls with hosts and a secretName holding the certificate"] with input as {"resource": ingress({"rules": [{"http": {}}]})}
}

test_missing_spec_denied if {
	count(policy.deny) == 1 with input as {"resource": {"kind": "Ingress", "name": "x", "namespace": null, "attributes": {"kind": "Ingress"}}}
}

test_all_hosts_covered_allowed if {
	spec := {"tls": [{"hosts": ["a.example.com"], "secretName": "a"}], "rules": [{"host": "a.example.com"}]}
	count(policy.deny) == 0 with input as {"resource": ingress(spec)}
}

test_uncovered_host_denied if {
	spec := {"tls": [{"hosts": ["a.example.com"], "secretName": "a"}], "rules": [{"host": "a.example.com"}, {"host": "b.example.com"}]}
	[d.details.actual | some d in policy.deny] == ["b.example.com"] with input as {"resource": ingress(spec)}
}

test_wildcard_certificate_covers_one_label if {
	spec := {"tls": [{"hosts": ["*.example.com"], "secretName": "w"}], "rules": [{"host": "a.example.com"}, {"host": "x.y.example.com"}]}
	[d.details.actual | some d in policy.deny] == ["x.y.example.com"] with input as {"resource": ingress(spec)}
}
