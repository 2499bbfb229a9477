# METADATA
# title: Cloud GPU capacity is provisioned only in approved regions
# description: >-
#   GKE node pools and Compute Engine instances with guest accelerators or GPU machine types,
#   EC2 instances, launch templates and EKS node groups of GPU families, and AKS node pools and
#   Azure VMs of the NC/ND/NG/NV series are created only in approved_gpu_regions
#   (data/placement.yaml).
# custom:
#   id: cloud_gpu_approved_region
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-ACC-01]
#   regulations:
#     - {framework: NIST-800-53, article: "SA-9(5)"}
#     - {framework: NIST-800-53, article: "CM-7"}
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#   resource_kinds: [google_container_node_pool, google_compute_instance,
#     google_compute_instance_template, aws_instance, aws_launch_template, aws_eks_node_group,
#     azurerm_kubernetes_cluster_node_pool, azurerm_linux_virtual_machine,
#     azurerm_windows_virtual_machine, AWS::EC2::Instance, AWS::SageMaker::TrainingJob,
#     AWS::SageMaker::EndpointConfig, compute.googleapis.com/Instance, microsoft.compute/virtualmachines]
#   remediation: |
#     Create GPU capacity in an approved region (data/placement.yaml approved_gpu_regions):
#       resource "google_container_node_pool" "gpu" { location = "europe-west4" }
#       provider "aws" { region = "eu-central-1" }     # aws_instance, aws_eks_node_group
#       resource "azurerm_kubernetes_cluster_node_pool" "gpu" { vm_size = "Standard_NC24ads_A100_v4" }  # cluster in westeurope
#     or add the region to approved_gpu_regions in your own placement data file.
package gavel.accelerator_placement.cloud_gpu_approved_region

import rego.v1

import data.gavel.lib.accelerators
import data.gavel.lib.checks.documents as checks_documents
import data.gavel.lib.regions
import data.gavel.lib.terraform

approved_regions := object.get(checks_documents, ["placement", "approved_gpu_regions"], [])

deny contains {
	"msg": sprintf("%s: GPU capacity in %v, which is not an approved GPU region; create it in one of %v", [terraform.address(input.resource), location, approved_regions]),
	"details": {"field": "location", "actual": location, "expected": approved_regions},
} if {
	accelerators.gpu_terraform_resource(input.resource)
	location := regions.resource_location(input.resource)
	not approved(location)
}

approved(location) if {
	is_string(location)
	regions.listed(location, approved_regions)
}
