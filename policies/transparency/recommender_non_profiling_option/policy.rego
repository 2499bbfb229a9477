# METADATA
# title: Recommender systems declare their option not based on profiling
# description: >-
#   A workload labelled as a recommender system (gavel.dev/system-type: recommender,
#   data/conventions.yaml) names, in the annotation gavel.dev/recommender-non-profiling-option,
#   the option users can select that does not rank by profiling (a chronological feed, a
#   popularity ranking, the feature flag that serves it). Very large online platforms and
#   search engines must offer one; the annotation ties the deployment to it. See "Regulatory
#   labels on workloads" in policies/README.md.
# custom:
#   id: recommender_non_profiling_option
#   version: 1.0.0
#   severity: high
#   controls: [GVL-TRN-02]
#   regulations:
#     - {framework: DSA, article: "Art. 38"}
#     - {framework: DSA, article: "Art. 27(3)"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     metadata:
#       labels:
#         gavel.dev/system-type: recommender
#       annotations:
#         gavel.dev/recommender-non-profiling-option: "feed-ordering=chronological (https://example.com/help/feed-settings)"
package gavel.transparency.recommender_non_profiling_option

import rego.v1

import data.gavel.lib.conventions

deny contains finding if {
	conventions.is_recommender(input.resource.attributes)
	finding := conventions.missing_annotation(input.resource, "non_profiling_option", "the option not based on profiling that users can select")
}
