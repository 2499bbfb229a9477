# METADATA
# title: Jobs reading personal data run their compute in the EEA
# description: >-
#   Follows lineage across layers: a Kubernetes workload, pipeline task or cloud training job
#   that reads personal data (itself, or through the OpenLineage job it runs) and whose compute
#   runs outside the EEA without an adequacy decision transfers that data out (GDPR Chapter V).
#   Where it runs comes from the node pool or instance it runs on (a Terraform node pool, an
#   instance type), its own region, or a pipeline task's node selector; unknown regions count
#   as outside. A Kubernetes workload's own node selector is judged by
#   data_residency.personal_data_workload_location, which sees the same classification.
# custom:
#   id: personal_data_compute_outside_eea
#   version: 1.0.0
#   severity: critical
#   controls: [GVL-RES-04]
#   regulations:
#     - {framework: GDPR, article: "Art. 44"}
#     - {framework: GDPR, article: "Art. 46"}
#     - {framework: NIST-800-53, article: "SA-9(5)"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, argo_template, kfp_task, airflow_task, "AWS::SageMaker::TrainingJob"]
#   remediation: |
#     Run the job on compute in the EEA: select an EEA node pool for the workload running it,
#       nodeSelector:
#         cloud.google.com/gke-nodepool: gpu-pool-europe-west4
#     or move the node pool itself:
#       resource "google_container_node_pool" "gpu" { location = "europe-west4" }
#     If the data must leave the EEA, document the transfer basis (standard contractual
#     clauses) and waive this finding with that reference.
package gavel.cross_layer.personal_data_compute_outside_eea

import rego.v1

import data.gavel.lib.graph
import data.gavel.lib.regions

# By its own path: read through `regions`, every rule of that package is evaluated for each workload.
import data.gavel.lib.regions.eea_example

deny contains violation if {
	personal := graph.classified_at_least(graph.read_data(input.resource.id), "personal")
	count(personal) > 0
	some placement in graph.placements_outside_eea(input.resource)
	not judged_by_workload_location(placement)
	datasets := [sprintf("%s (%s)", [d.id, d.classification]) | some d in personal]
	violation := {
		"msg": sprintf("%s reads personal data from %s and runs in %s (%s): %s; run it in %s", [
			graph.display(input.resource), concat(", ", datasets), placement.location,
			placement.via, regions.reason(placement.location), eea_example,
		]),
		"details": {
			"field": "runs_on",
			"actual": placement.location,
			"expected": eea_example,
			"via": placement.via,
			"datasets": [d.id | some d in personal],
		},
	}
}

judged_by_workload_location(placement) if {
	input.resource.platform == "kubernetes"
	placement.via == "node selector"
}
