# METADATA
# title: GKE clusters send system and API server logs to Cloud Logging
# description: >-
#   A GKE cluster keeps Cloud Logging on (logging_service is not "none") and its logging_config
#   enables the components named by the gke_logging_components parameter
#   (data/audit_logging.yaml; SYSTEM_COMPONENTS and APISERVER by default), so requests to the
#   control plane and the system's own events are recorded. Without a logging_config block GKE
#   enables SYSTEM_COMPONENTS and WORKLOADS only; components computed at apply are a warning.
# custom:
#   id: gke_cluster_logging
#   version: 1.0.0
#   severity: high
#   controls: [GVL-LOG-04]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AU-2"}
#     - {framework: NIST-800-53, article: "AU-12"}
#     - {framework: ISO-27001, article: "A.8.15"}
#     - {framework: CIS, article: "GKE 1.5.0 5.7.1"}
#   resource_kinds: [google_container_cluster]
#   remediation: |
#     resource "google_container_cluster" "ml" {
#       logging_service = "logging.googleapis.com/kubernetes"
#       logging_config {
#         enable_components = ["SYSTEM_COMPONENTS", "APISERVER", "WORKLOADS"]
#       }
#     }
package gavel.audit_logging.gke_cluster_logging

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

required := object.get(checks.parameters("audit_logging"), "gke_logging_components", ["SYSTEM_COMPONENTS", "APISERVER"])

attributes := input.resource.attributes

# GKE's components when the cluster has no logging_config block.
default_components := ["SYSTEM_COMPONENTS", "WORKLOADS"]

components := config.enable_components if {
	config := terraform.block(attributes, "logging_config")
	is_array(config.enable_components)
} else := default_components

deny contains checks.finding(terraform.address(input.resource), "logging_service", "none", "logging.googleapis.com/kubernetes") if {
	attributes.logging_service == "none"
}

deny contains object.union(finding, {"details": {"missing": missing}}) if {
	missing := [c | some c in required; not c in components]
	count(missing) > 0
	not terraform.unknown(input.resource, ["logging_config", "enable_components"])
	finding := checks.finding(terraform.address(input.resource), "logging_config.enable_components", components, required)
}

warn contains checks.after_apply(terraform.address(input.resource), "logging_config.enable_components", required) if {
	terraform.unknown(input.resource, ["logging_config", "enable_components"])
}
