# METADATA
# title: Recommender systems point at the documentation of their main parameters
# description: >-
#   A workload labelled as a recommender system (gavel.dev/system-type: recommender,
#   data/conventions.yaml) names, in the annotation gavel.dev/recommender-main-parameters,
#   where its main parameters are set out for users (the terms and conditions section or
#   document that explains the criteria that most determine what is recommended and why), so
#   each deployed ranking can be traced to the disclosure that covers it. See "Regulatory
#   labels on workloads" in policies/README.md.
# custom:
#   id: recommender_main_parameters
#   version: 1.0.0
#   severity: medium
#   controls: [GVL-TRN-01]
#   regulations:
#     - {framework: DSA, article: "Art. 27(1)"}
#     - {framework: DSA, article: "Art. 27(2)"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     metadata:
#       labels:
#         gavel.dev/system-type: recommender
#       annotations:
#         gavel.dev/recommender-main-parameters: "https://example.com/terms#recommender-main-parameters"
package gavel.transparency.recommender_main_parameters

import rego.v1

import data.gavel.lib.conventions

deny contains finding if {
	conventions.is_recommender(input.resource.attributes)
	finding := conventions.missing_annotation(input.resource, "main_parameters", "the URL of the documented main parameters")
}
