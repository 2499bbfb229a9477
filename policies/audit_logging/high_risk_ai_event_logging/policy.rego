# METADATA
# title: High-risk AI workloads declare their event log and keep it at least six months
# description: >-
#   A Kubernetes workload labelled as a high-risk AI system (label gavel.dev/ai-risk-class:
#   high, data/conventions.yaml) records events automatically over its lifetime: it names the
#   sink of its event logs in the annotation gavel.dev/ai-event-log and their retention in
#   gavel.dev/ai-log-retention-days, at least min_ai_log_retention_days (183, six months).
#   See "Regulatory labels on workloads" in policies/README.md.
# custom:
#   id: high_risk_ai_event_logging
#   version: 1.0.0
#   severity: high
#   controls: [GVL-AIA-01]
#   regulations:
#     - {framework: EU-AI-ACT, article: "Art. 12(1)"}
#     - {framework: EU-AI-ACT, article: "Art. 19(1)"}
#     - {framework: EU-AI-ACT, article: "Art. 26(6)"}
#     - {framework: NIST-800-53, article: "AU-11"}
#     - {framework: NIST-800-53, article: "AU-12"}
#     - {framework: ISO-27001, article: "A.8.15"}
#   resource_kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob]
#   remediation: |
#     metadata:
#       labels:
#         gavel.dev/ai-risk-class: high
#       annotations:
#         gavel.dev/ai-event-log: "otlp://collector.observability:4317/credit-scoring"
#         gavel.dev/ai-log-retention-days: "365"
package gavel.audit_logging.high_risk_ai_event_logging

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.conventions
import data.gavel.lib.conventions.params as conventions_params
import data.gavel.lib.k8s

min_days := object.get(conventions_params, "min_ai_log_retention_days", 183)

workload := input.resource.attributes

deny contains finding if {
	conventions.is_high_risk_ai(workload)
	finding := conventions.missing_annotation(input.resource, "event_log", "the URI of the event log sink")
}

deny contains checks.finding(k8s.display(input.resource), conventions.annotation_field("log_retention_days"), days, sprintf("at least %v (days)", [min_days])) if {
	conventions.is_high_risk_ai(workload)
	days := object.get(conventions.annotations(workload), conventions.annotation_key("log_retention_days"), null)
	not checks.at_least(days, min_days)
}
