# METADATA
# title: GKE node pools expose the GKE metadata server to pods
# description: >-
#   Node pools run with node_config.workload_metadata_config.mode = GKE_METADATA, so pods
#   authenticate to Google APIs as their own Kubernetes service account (Workload Identity) and
#   cannot read the node's service account credentials or its instance metadata.
# custom:
#   id: gke_workload_identity
#   version: 1.0.0
#   severity: high
#   controls: [GVL-IAM-04]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AC-6"}
#     - {framework: NIST-800-53, article: "SC-39"}
#     - {framework: ISO-27001, article: "A.8.2"}
#     - {framework: CIS, article: "GKE 1.5.0 5.4.2"}
#   resource_kinds: [google_container_node_pool, google_container_cluster]
#   remediation: |
#     resource "google_container_cluster" "ml" {
#       workload_identity_config { workload_pool = "${var.project}.svc.id.goog" }
#     }
#     resource "google_container_node_pool" "gpu" {
#       node_config {
#         workload_metadata_config { mode = "GKE_METADATA" }
#       }
#     }
package gavel.access_control.gke_workload_identity

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

path := ["node_config", "workload_metadata_config", "mode"]

modes := terraform.leaf_values(input.resource.attributes, path)

# A cluster without a node_config block (its pools are separate resources) is not judged.
judged if input.resource.kind == "google_container_node_pool"

judged if count(terraform.blocks(input.resource.attributes, "node_config")) > 0

deny contains checks.path_finding(input.resource, path, "GKE_METADATA") if {
	judged
	not all_gke_metadata
	not terraform.unknown(input.resource, path)
}

warn contains checks.after_apply(terraform.address(input.resource), concat(".", path), "GKE_METADATA") if {
	judged
	not all_gke_metadata
	terraform.unknown(input.resource, path)
}

all_gke_metadata if {
	count(modes) > 0
	every mode in modes {
		mode in {"GKE_METADATA", "GKE_METADATA_SERVER"}
	}
}
