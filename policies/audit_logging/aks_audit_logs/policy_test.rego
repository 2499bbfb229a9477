package gavel.audit_logging.aks_audit_logs_test

import rego.v1

import data.gavel.lib.terraform

import data.gavel.audit_logging.aks_audit_logs as policy

cluster_id := "/subscriptions/0000/resourceGroups/ml/providers/Microsoft.ContainerService/managedClusters/ml"

cluster(id) := {"id": "terraform:azurerm_kubernetes_cluster.ml", "kind": "azurerm_kubernetes_cluster", "name": "ml", "attributes": {"name": "ml", "id": id}}

setting(target, attributes) := {"kind": "azurerm_monitor_diagnostic_setting", "attributes": object.union({"target_resource_id": target}, attributes)}

estate(settings) := terraform.estate_document({sprintf("s%d", [i]): s | some i, s in settings})

test_no_diagnostic_setting_denied if {
	[d.msg | some d in policy.deny] == [`azurerm_kubernetes_cluster.ml: azurerm_monitor_diagnostic_setting.enabled_log.category is not set; set azurerm_monitor_diagnostic_setting.enabled_log.category to one of ["kube-audit", "kube-audit-admin"] on a diagnostic setting targeting the cluster`] with input as {"resource": cluster(null)}
}

test_setting_created_with_the_cluster_counts if {
	s := setting(null, {"enabled_log": [{"category": "kube-audit-admin"}]})
	count(policy.deny) == 0 with input as {"resource": cluster(null)} with data.gavel.estate as estate([s])
}

test_setting_for_this_cluster_counts if {
	s := setting(cluster_id, {"enabled_log": [{"category_group": "allLogs"}]})
	count(policy.deny) == 0 with input as {"resource": cluster(cluster_id)} with data.gavel.estate as estate([s])
}

test_setting_for_another_resource_does_not_count if {
	s := setting("/subscriptions/0000/other", {"enabled_log": [{"category": "kube-audit"}]})
	count(policy.deny) == 1 with input as {"resource": cluster(cluster_id)} with data.gavel.estate as estate([s])
}

test_setting_without_audit_category_does_not_count if {
	s := setting(null, {"enabled_log": [{"category": "kube-apiserver"}], "log": [{"category": "kube-audit", "enabled": false}]})
	count(policy.deny) == 1 with input as {"resource": cluster(null)} with data.gavel.estate as estate([s])
}

test_legacy_log_block_counts if {
	s := setting(null, {"log": [{"category": "kube-audit", "enabled": true}]})
	count(policy.deny) == 0 with input as {"resource": cluster(null)} with data.gavel.estate as estate([s])
}
