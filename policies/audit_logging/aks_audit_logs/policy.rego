# METADATA
# title: AKS clusters export their Kubernetes audit log through a diagnostic setting
# description: >-
#   AKS writes the API server's audit log only to a diagnostic setting: the plan holds an
#   azurerm_monitor_diagnostic_setting for the cluster that enables a category named by
#   aks_audit_categories (kube-audit, kube-audit-admin) or a category group named by
#   azure_audit_category_groups (audit, allLogs) (data/audit_logging.yaml). A setting whose
#   target_resource_id is known only after apply (the cluster is created by the same plan)
#   counts for the cluster.
# custom:
#   id: aks_audit_logs
#   version: 1.0.0
#   severity: high
#   controls: [GVL-LOG-04]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AU-2"}
#     - {framework: NIST-800-53, article: "AU-12"}
#     - {framework: ISO-27001, article: "A.8.15"}
#     - {framework: CIS, article: "AKS 1.4.0 2.1.1"}
#   resource_kinds: [azurerm_kubernetes_cluster]
#   remediation: |
#     resource "azurerm_monitor_diagnostic_setting" "aks_audit" {
#       name                       = "aks-audit"
#       target_resource_id         = azurerm_kubernetes_cluster.ml.id
#       log_analytics_workspace_id = azurerm_log_analytics_workspace.audit.id
#       enabled_log { category = "kube-audit-admin" }
#     }
package gavel.audit_logging.aks_audit_logs

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.terraform

params := checks.parameters("audit_logging")

categories := object.get(params, "aks_audit_categories", ["kube-audit", "kube-audit-admin"])

category_groups := object.get(params, "azure_audit_category_groups", ["audit", "allLogs"])

deny contains checks.finding(
	terraform.address(input.resource),
	"azurerm_monitor_diagnostic_setting.enabled_log.category",
	null,
	sprintf("one of %v on a diagnostic setting targeting the cluster", [categories]),
) if {
	not audited
}

audited if {
	some setting in terraform.estate_resources("azurerm_monitor_diagnostic_setting")
	may_target(object.get(setting.attributes, "target_resource_id", null))
	audit_enabled(setting.attributes)
}

may_target(target) if target == input.resource.attributes.id

may_target(target) if not is_string(target)

audit_enabled(setting) if {
	some entry in terraform.blocks(setting, "enabled_log")
	audit_entry(entry)
}

audit_enabled(setting) if {
	some entry in terraform.blocks(setting, "log")
	not terraform.is_false(object.get(entry, "enabled", true))
	audit_entry(entry)
}

audit_entry(entry) if entry.category in categories

audit_entry(entry) if entry.category_group in category_groups
