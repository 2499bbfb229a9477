package gavel.workload_security.k8s_gpu_resource_limits_test

import rego.v1

import data.gavel.workload_security.k8s_gpu_resource_limits as policy

job(limits) := {"kind": "Job", "name": "train", "namespace": "ml", "attributes": {"kind": "Job", "spec": {"template": {"spec": {"containers": [{"name": "train", "resources": {"limits": limits}}]}}}}}

test_gpu_job_with_limits_allowed if {
	count(policy.deny) == 0 with input as {"resource": job({"nvidia.com/gpu": "1", "cpu": "8", "memory": "64Gi"})}
}

test_gpu_job_without_cpu_and_memory_denied if {
	{d.details.field | some d in policy.deny} == {"spec.template.spec.containers[train].resources.limits.cpu", "spec.template.spec.containers[train].resources.limits.memory"} with input as {"resource": job({"nvidia.com/gpu": "8"})}
}

test_message if {
	some d in policy.deny with input as {"resource": job({"nvidia.com/gpu": "1", "cpu": "2"})}
	d.msg == "Job/ml/train: spec.template.spec.containers[train].resources.limits.memory is not set; set spec.template.spec.containers[train].resources.limits.memory to a limit, e.g. the amount the container requests"
}

test_cpu_only_job_not_judged if {
	count(policy.deny) == 0 with input as {"resource": job({})}
}
