package gavel.lib.pipelines_test

import rego.v1

import data.gavel.lib.pipelines

catalog := {"kubernetes": {"gpu_resources": ["nvidia.com/gpu"], "gpu_resource_prefixes": ["nvidia.com/mig-"]}, "gcp": {"accelerator_types": ["nvidia-tesla-t4"], "machine_families": ["g2"]}}

placement := {"region_label_keys": ["topology.kubernetes.io/region"], "zone_label_keys": ["topology.kubernetes.io/zone"], "node_pool_label_keys": ["cloud.google.com/gke-nodepool"], "instance_type_label_keys": ["node.kubernetes.io/instance-type"], "accelerator_label_keys": ["cloud.google.com/gke-accelerator"]}

kfp(accelerator, selector, security) := {"kind": "kfp_task", "name": "p/train", "attributes": {
	"container": {"image": "trainer"}, "accelerator": accelerator, "node_selector": selector, "security_context": security,
}}

argo(limits, selector, pod, container_security) := {"kind": "argo_template", "name": "wf/train", "attributes": {
	"containers": [{"field": "container", "container": {"name": "main", "resources": {"limits": limits}, "securityContext": container_security}}],
	"node_selector": selector, "pod_security_context": pod,
}}

test_kfp_accelerator_names_in_either_spelling if {
	pipelines.gpu_requests(kfp({"type": "NVIDIA_TESLA_T4", "count": 1}, {}, {})) == {{"container": "main", "resource": "NVIDIA_TESLA_T4", "quantity": 1}} with data.gavel.data.accelerators as catalog
	pipelines.uses_gpu(kfp({"type": "nvidia.com/gpu", "count": 2}, {}, {})) with data.gavel.data.accelerators as catalog
	pipelines.uses_gpu(kfp({"type": "NVIDIA_L4", "count": "{{$.inputs.parameters['n']}}"}, {}, {})) with data.gavel.data.accelerators as catalog
	not pipelines.uses_gpu(kfp({"type": "TPU_V3", "count": 8}, {}, {})) with data.gavel.data.accelerators as catalog
	not pipelines.uses_gpu(kfp({"type": "nvidia.com/gpu", "count": "0"}, {}, {})) with data.gavel.data.accelerators as catalog
	not pipelines.uses_gpu(kfp(null, {}, {})) with data.gavel.data.accelerators as catalog
}

test_argo_gpu_limits if {
	[r.quantity | some r in pipelines.gpu_requests(argo({"nvidia.com/gpu": "2"}, {}, {}, {}))] == [2] with data.gavel.data.accelerators as catalog
	not pipelines.uses_gpu(argo({"cpu": "2"}, {}, {}, {})) with data.gavel.data.accelerators as catalog
}

test_gpu_by_node_labels if {
	pipelines.uses_gpu(kfp(null, {"cloud.google.com/gke-accelerator": "nvidia-l4"}, {})) with data.gavel.data.placement as placement
	pipelines.uses_gpu(kfp(null, {"node.kubernetes.io/instance-type": "g2-standard-8"}, {})) with data.gavel.data.placement as placement with data.gavel.data.accelerators as catalog
}

test_locations_and_pools_skip_templates if {
	task := kfp(null, {"topology.kubernetes.io/zone": "europe-west4-a", "cloud.google.com/gke-nodepool": "{{inputs.parameters.pool}}"}, {})
	pipelines.locations(task) == {"europe-west4-a"} with data.gavel.data.placement as placement
	pipelines.node_pools(task) == set() with data.gavel.data.placement as placement
}

test_container_security_wins_over_pod if {
	task := argo({}, {}, {"runAsUser": 1000, "runAsNonRoot": true}, {"runAsUser": 0})
	[c] := [e.container | some e in pipelines.containers(task)]
	pipelines.effective(task, c, "runAsUser") == 0
	pipelines.effective(task, c, "runAsNonRoot") == true
	not pipelines.effective(task, c, "privileged")
}

test_kfp_container_reads_the_platform_security_context if {
	task := kfp(null, {}, {"runAsUser": "65534"})
	[c] := [e.container | some e in pipelines.containers(task)]
	c.name == "main"
	pipelines.effective(task, c, "runAsUser") == "65534"
}
