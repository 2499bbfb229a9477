package gavel.lib.accelerators_test

import rego.v1

import data.gavel.lib.accelerators

test_aws_gpu_families if {
	accelerators.aws_gpu_instance_type("p4d.24xlarge")
	accelerators.aws_gpu_instance_type("g5.xlarge")
	accelerators.aws_gpu_instance_type("g6e.2xlarge")
	accelerators.aws_gpu_instance_type("p6-b200.48xlarge")
	not accelerators.aws_gpu_instance_type("m5.large")
	not accelerators.aws_gpu_instance_type("t3.micro")
}

test_sagemaker_instance_types if {
	accelerators.aws_gpu_instance_type("ml.p4d.24xlarge")
	accelerators.aws_gpu_instance_type("ml.g5.2xlarge")
	not accelerators.aws_gpu_instance_type("ml.m5.xlarge")
}

test_gcp_machine_families if {
	accelerators.gcp_gpu_machine_type("a2-highgpu-1g")
	accelerators.gcp_gpu_machine_type("g2-standard-8")
	accelerators.gcp_gpu_machine_type("zones/europe-west4-a/machineTypes/a3-highgpu-8g")
	not accelerators.gcp_gpu_machine_type("n2-standard-4")
	not accelerators.gcp_gpu_machine_type("e2-medium")
}

test_azure_series if {
	accelerators.azure_gpu_vm_size("Standard_NC24ads_A100_v4")
	accelerators.azure_gpu_vm_size("Standard_ND96asr_v4")
	accelerators.azure_gpu_vm_size("Standard_NV36ads_A10_v5")
	not accelerators.azure_gpu_vm_size("Standard_D4s_v5")
	not accelerators.azure_gpu_vm_size("Standard_B2s")
}

test_any_cloud if {
	accelerators.gpu_machine_type("p5.48xlarge")
	accelerators.gpu_machine_type("a3-highgpu-8g")
	accelerators.gpu_machine_type("Standard_NC6s_v3")
	not accelerators.gpu_machine_type(null)
	not accelerators.gpu_machine_type("c5.large")
}

test_accelerator_types if {
	accelerators.gpu_accelerator_type("nvidia-l4")
	accelerators.gpu_accelerator_type("projects/p/zones/us-central1-a/acceleratorTypes/nvidia-tesla-t4")
	not accelerators.gpu_accelerator_type("tpu-v5-lite-podslice")
}

test_guest_accelerators_instance_and_node_pool if {
	count(accelerators.guest_accelerators({"guest_accelerator": [{"count": 1, "type": "nvidia-l4"}]})) == 1
	count(accelerators.guest_accelerators({"node_config": [{"guest_accelerator": [{"count": 2, "type": "nvidia-l4"}]}]})) == 1
	count(accelerators.guest_accelerators({"guest_accelerator": [{"count": 0, "type": "nvidia-l4"}]})) == 0
	count(accelerators.guest_accelerators({"machine_type": "n2-standard-4"})) == 0
	count(accelerators.guest_accelerators({"node_config": null})) == 0
}

test_gpu_terraform_resources if {
	accelerators.gpu_terraform_resource({"attributes": {"instance_type": "g5.2xlarge"}})
	accelerators.gpu_terraform_resource({"attributes": {"vm_size": "Standard_NC6s_v3"}})
	accelerators.gpu_terraform_resource({"attributes": {"node_config": [{"machine_type": "a2-highgpu-1g"}]}})
	accelerators.gpu_terraform_resource({"attributes": {"instance_types": ["m5.large", "p4d.24xlarge"]}})
	accelerators.gpu_terraform_resource({"attributes": {"machine_type": "n1-standard-4", "guest_accelerator": [{"type": "nvidia-tesla-t4", "count": 1}]}})
	not accelerators.gpu_terraform_resource({"attributes": {"instance_type": "m5.large"}})
	not accelerators.gpu_terraform_resource({"attributes": {}})
}

test_inventory_machine_types if {
	accelerators.gpu_terraform_resource({"attributes": {"configuration": {"instanceType": "p4d.24xlarge"}}})
	accelerators.gpu_terraform_resource({"attributes": {"configuration": {"ResourceConfig": {"InstanceType": "ml.g5.2xlarge"}}}})
	accelerators.gpu_terraform_resource({"attributes": {"configuration": {"ProductionVariants": [{"InstanceType": "ml.m5.large"}, {"InstanceType": "ml.g4dn.xlarge"}]}}})
	accelerators.gpu_terraform_resource({"attributes": {"resource": {"data": {"machineType": "https://www.googleapis.com/compute/v1/projects/p/zones/europe-west4-a/machineTypes/a2-highgpu-1g"}}}})
	accelerators.gpu_terraform_resource({"attributes": {"properties": {"hardwareProfile": {"vmSize": "Standard_NC24ads_A100_v4"}}}})
	not accelerators.gpu_terraform_resource({"attributes": {"configuration": {"instanceType": "m5.large"}}})
}
