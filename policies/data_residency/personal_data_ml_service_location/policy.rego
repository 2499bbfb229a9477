# METADATA
# title: Managed ML services processing personal data run in the EEA or an adequate country
# description: >-
#   Notebooks, training and serving endpoints, feature stores and ML workspaces classified
#   personal process that data where they run: SageMaker, Vertex AI and Azure Machine Learning
#   resources tagged personal must be in the EEA or a country with an EU adequacy decision.
# custom:
#   id: personal_data_ml_service_location
#   version: 1.0.0
#   severity: critical
#   controls: [GVL-RES-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 44"}
#     - {framework: GDPR, article: "Art. 45"}
#     - {framework: GDPR, article: "Art. 46"}
#     - {framework: NIST-800-53, article: "SA-9(5)"}
#   resource_kinds: [aws_sagemaker_notebook_instance, aws_sagemaker_endpoint_configuration,
#     aws_sagemaker_domain, aws_sagemaker_feature_group, google_vertex_ai_endpoint,
#     google_vertex_ai_dataset, google_vertex_ai_featurestore, google_workbench_instance,
#     google_notebooks_instance, azurerm_machine_learning_workspace,
#     azurerm_machine_learning_compute_cluster, AWS::SageMaker::TrainingJob, AWS::SageMaker::Model,
#     AWS::SageMaker::EndpointConfig, AWS::SageMaker::Endpoint]
#   remediation: |
#     Deploy the ML service in an EEA region:
#       provider "aws" { region = "eu-central-1" }                     # SageMaker
#       resource "google_vertex_ai_endpoint" "x" { location = "europe-west4" }
#       resource "azurerm_machine_learning_workspace" "x" { location = "swedencentral" }
package gavel.data_residency.personal_data_ml_service_location

import rego.v1

import data.gavel.lib.classification
import data.gavel.lib.cloud
import data.gavel.lib.regions
import data.gavel.lib.terraform

deny contains violation if {
	classification.is_personal(input.resource)
	location := regions.resource_location(input.resource)
	field := location_field(input.resource)
	some violation in regions.transfer_violations(terraform.address(input.resource), location, field)
}

location_field(resource) := cloud.location_field(resource) if {
	cloud.inventory(resource)
} else := "the provider region" if {
	startswith(resource.kind, "aws_")
} else := "region" if {
	resource.kind in {"google_vertex_ai_dataset", "google_vertex_ai_featurestore"}
} else := "location"
