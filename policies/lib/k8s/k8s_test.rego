package gavel.lib.k8s_test

import rego.v1

import data.gavel.lib.k8s

gpu_container := {"name": "train", "resources": {"limits": {"nvidia.com/gpu": "2"}}}

deployment := {
	"kind": "Deployment",
	"spec": {"template": {"spec": {
		"nodeSelector": {"topology.kubernetes.io/region": "europe-west4", "cloud.google.com/gke-accelerator": "nvidia-l4"},
		"containers": [gpu_container],
		"initContainers": [{"name": "fetch"}],
	}}},
}

cronjob := {
	"kind": "CronJob",
	"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "nightly", "resources": {"requests": {"amd.com/gpu": 1}}}]}}}}},
}

pod_with_affinity := {
	"kind": "Pod",
	"spec": {
		"containers": [{"name": "c"}],
		"ephemeralContainers": [{"name": "debug"}],
		"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
			{"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["us-central1-a", "europe-west4-b"]}]},
			{"matchExpressions": [{"key": "topology.kubernetes.io/region", "operator": "NotIn", "values": ["asia-east1"]}]},
			{"matchExpressions": [{"key": "node.kubernetes.io/instance-type", "operator": "In", "values": ["p4d.24xlarge"]}]},
		]}}},
	},
}

test_pod_spec_of_each_kind if {
	k8s.pod_spec(deployment).containers[0].name == "train"
	k8s.pod_spec(cronjob).containers[0].name == "nightly"
	k8s.pod_spec(pod_with_affinity).containers[0].name == "c"
	k8s.pod_spec({"kind": "StatefulSet", "spec": {"template": {"spec": {"containers": []}}}}) == {"containers": []}
	not k8s.pod_spec({"kind": "Service", "spec": {}})
	not k8s.pod_spec({"kind": "Deployment"})
}

test_all_containers_including_init_and_ephemeral if {
	{[c.field, c.container.name] | some c in k8s.containers(deployment)} == {["containers", "train"], ["initContainers", "fetch"]}
	{c.container.name | some c in k8s.containers(pod_with_affinity)} == {"c", "debug"}
}

test_gpu_requests if {
	k8s.gpu_requests(deployment) == {{"container": "train", "resource": "nvidia.com/gpu", "quantity": 2}}
	k8s.requests_gpu(cronjob)
	not k8s.requests_gpu(pod_with_affinity)
}

test_zero_gpu_is_no_gpu if {
	not k8s.requests_gpu({"kind": "Pod", "spec": {"containers": [{"name": "c", "resources": {"limits": {"nvidia.com/gpu": 0}}}]}})
}

test_mig_slice_is_gpu if {
	k8s.requests_gpu({"kind": "Pod", "spec": {"containers": [{"name": "c", "resources": {"limits": {"nvidia.com/mig-1g.5gb": 1}}}]}})
}

test_locations_from_selector_and_affinity if {
	k8s.locations(deployment) == {"europe-west4"}
	k8s.locations(pod_with_affinity) == {"us-central1-a", "europe-west4-b"}
	k8s.locations(cronjob) == set()
}

test_gpu_by_node_labels if {
	k8s.accelerator_models(deployment) == {"nvidia-l4"}
	k8s.instance_types(pod_with_affinity) == {"p4d.24xlarge"}
	k8s.uses_gpu(pod_with_affinity)
}

test_node_pools if {
	k8s.node_pools({"kind": "Pod", "spec": {"nodeSelector": {"cloud.google.com/gke-nodepool": "gpu-eu"}}}) == {"gpu-eu"}
}

test_display if {
	k8s.display({"kind": "Deployment", "namespace": "ml", "name": "train"}) == "Deployment/ml/train"
	k8s.display({"kind": "Deployment", "namespace": null, "name": "train"}) == "Deployment/train"
}

test_node_label_values_of_a_non_workload_are_empty if {
	k8s.node_label_values_any({"kind": "Service", "spec": {}}, ["topology.kubernetes.io/region"]) == set()
}

test_input_rules_answer_for_the_workload_judged if {
	entries := k8s.input_containers with input as {"resource": {"attributes": deployment}}
	entries == k8s.containers(deployment)
	workload := deployment
	judged := k8s.containers(workload) with input as {"resource": {"attributes": workload}}
	judged == entries
	other := k8s.containers(cronjob) with input as {"resource": {"attributes": workload}}
	other[0].container.name == "nightly"
	locations := k8s.locations(pod_with_affinity) with input as {"resource": {"attributes": workload}}
	locations == {"us-central1-a", "europe-west4-b"}
	k8s.input_locations == {"europe-west4"} with input as {"resource": {"attributes": deployment}}
	k8s.input_locations == {"us-central1-a", "europe-west4-b"} with input as {"resource": {"attributes": pod_with_affinity}}
	k8s.input_node_pools == set() with input as {"resource": {"attributes": deployment}}
	k8s.input_uses_gpu with input as {"resource": {"attributes": cronjob}}
	not k8s.input_uses_gpu with input as {"resource": {"attributes": {"kind": "Pod", "spec": {"containers": [{"name": "c"}]}}}}
	k8s.input_containers == [] with input as {"resource": {"attributes": {"kind": "ConfigMap"}}}
}

test_display_of_the_workload_judged if {
	judged := {"kind": "Job", "namespace": "ml", "name": "train"}
	k8s.input_display == "Job/ml/train" with input as {"resource": judged}
	shown := k8s.display(judged) with input as {"resource": judged}
	shown == "Job/ml/train"
	other := k8s.display({"kind": "Namespace", "name": "ml"}) with input as {"resource": judged}
	other == "Namespace/ml"
}
