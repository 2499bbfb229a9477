package gavel.encryption_at_rest.database_storage_encrypted_test

import rego.v1

import data.gavel.encryption_at_rest.database_storage_encrypted as policy

resource(kind, attributes) := {"id": sprintf("terraform:%s.db", [kind]), "kind": kind, "name": "db", "attributes": attributes}

test_rds_unencrypted_denied if {
	[d.msg | some d in policy.deny] == ["aws_db_instance.db: storage_encrypted is false; set storage_encrypted to true"] with input as {"resource": resource("aws_db_instance", {"storage_encrypted": false})}
}

test_rds_absent_denied if {
	some d in policy.deny with input as {"resource": resource("aws_rds_cluster", {"engine": "aurora-postgresql"})}
	d.details.actual == null
}

test_rds_encrypted_allowed if {
	count(policy.deny) == 0 with input as {"resource": resource("aws_db_instance", {"storage_encrypted": true})}
}

test_redshift_field if {
	some d in policy.deny with input as {"resource": resource("aws_redshift_cluster", {"encrypted": "false"})}
	d.details.field == "encrypted"
}

test_opensearch_nested_block if {
	count(policy.deny) == 0 with input as {"resource": resource("aws_opensearch_domain", {"encrypt_at_rest": [{"enabled": true}]})}
	some d in policy.deny with input as {"resource": resource("aws_opensearch_domain", {"encrypt_at_rest": []})}
	d.details.field == "encrypt_at_rest.enabled"
}

test_azure_tde_only_explicit_false if {
	count(policy.deny) == 0 with input as {"resource": resource("azurerm_mssql_database", {})}
	count(policy.deny) == 1 with input as {"resource": resource("azurerm_mssql_database", {"transparent_data_encryption_enabled": false})}
}
