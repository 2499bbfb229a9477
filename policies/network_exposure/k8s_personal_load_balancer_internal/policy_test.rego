package gavel.network_exposure.k8s_personal_load_balancer_internal_test

import rego.v1

import data.gavel.lib.terraform

import data.gavel.network_exposure.k8s_personal_load_balancer_internal as policy

service(annotations, class) := {"kind": "Service", "name": "scoring", "namespace": "ml", "classification": class, "attributes": {
	"kind": "Service",
	"metadata": {"name": "scoring", "namespace": "ml", "annotations": annotations},
	"spec": {"type": "LoadBalancer", "selector": {"app": "scoring"}},
}}

deployment(namespace, class) := {"kind": "Deployment", "name": "scoring", "namespace": namespace, "classification": class, "attributes": {
	"kind": "Deployment",
	"spec": {"template": {"metadata": {"labels": {"app": "scoring", "tier": "api"}}}},
}}

test_personal_external_load_balancer_denied if {
	some d in policy.deny with input as {"resource": service({}, "personal")}
	startswith(d.msg, "Service/ml/scoring: metadata.annotations is {}; set metadata.annotations to one of")
}

test_internal_annotation_allowed if {
	count(policy.deny) == 0 with input as {"resource": service({"networking.gke.io/load-balancer-type": "Internal"}, "personal")}
	count(policy.deny) == 0 with input as {"resource": service({"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"}, "personal")}
}

test_selected_personal_workload_makes_it_personal if {
	estate := terraform.estate_document({"d": deployment("ml", "personal")})
	count(policy.deny) == 1 with input as {"resource": service({}, null)} with data.gavel.estate as estate
}

test_workload_in_other_namespace_does_not_count if {
	estate := terraform.estate_document({"d": deployment("serving", "personal")})
	count(policy.deny) == 0 with input as {"resource": service({}, null)} with data.gavel.estate as estate
}

test_cluster_ip_not_judged if {
	s := service({}, "personal")
	count(policy.deny) == 0 with input as {"resource": object.union(s, {"attributes": {"spec": {"type": "ClusterIP"}}})}
}
