package gavel.encryption_at_rest.personal_data_cmk_test

import rego.v1

import data.gavel.lib.terraform

import data.gavel.encryption_at_rest.personal_data_cmk as policy

resource(kind, attributes, classification) := {"id": sprintf("terraform:%s.r", [kind]), "kind": kind, "name": "r", "attributes": attributes, "classification": classification}

test_gcs_personal_without_key_denied if {
	some d in policy.deny with input as {"resource": resource("google_storage_bucket", {"encryption": []}, "personal")}
	d.msg == "google_storage_bucket.r: personal data is not encrypted with a customer-managed key; set encryption.default_kms_key_name to a KMS / Key Vault key you manage"
	d.details.field == "encryption.default_kms_key_name"
}

test_gcs_personal_with_key_allowed if {
	attrs := {"encryption": [{"default_kms_key_name": "projects/p/locations/europe/keyRings/r/cryptoKeys/k"}]}
	count(policy.deny) == 0 with input as {"resource": resource("google_storage_bucket", attrs, "personal")}
}

test_cloud_sql_flat_attribute if {
	count(policy.deny) == 1 with input as {"resource": resource("google_sql_database_instance", {"encryption_key_name": null}, "special-category")}
	count(policy.deny) == 0 with input as {"resource": resource("google_sql_database_instance", {"encryption_key_name": "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k"}, "personal")}
}

test_empty_string_key_denied if {
	count(policy.deny) == 1 with input as {"resource": resource("aws_ebs_volume", {"encrypted": true, "kms_key_id": ""}, "personal")}
}

test_non_personal_not_required if {
	count(policy.deny) == 0 with input as {"resource": resource("azurerm_managed_disk", {}, "internal")}
	count(policy.deny) == 0 with input as {"resource": resource("azurerm_managed_disk", {}, null)}
}

test_azure_storage_block if {
	count(policy.deny) == 1 with input as {"resource": resource("azurerm_storage_account", {"customer_managed_key": []}, "personal")}
	count(policy.deny) == 0 with input as {"resource": resource("azurerm_storage_account", {"customer_managed_key": [{"key_vault_key_id": "https://kv.vault.azure.net/keys/k"}]}, "personal")}
}

test_key_known_only_after_apply_warns_instead_of_denying if {
	r := object.union(resource("aws_db_instance", {"storage_encrypted": true}, "personal"), {"unknown": [["kms_key_id"]]})
	count(policy.deny) == 0 with input as {"resource": r}
	[w.msg | some w in policy.warn] == ["aws_db_instance.r: kms_key_id is known only after apply; check that it names a customer-managed key"] with input as {"resource": r}
}

test_inventory_stores if {
	gcs := {"id": "gcp://storage.googleapis.com/customers", "kind": "storage.googleapis.com/Bucket", "name": "customers", "classification": "personal", "attributes": {"resource": {"data": {"encryption": {}}}}}
	[d.details.field | some d in policy.deny] == ["resource.data.encryption.defaultKmsKeyName"] with input as {"resource": gcs}
	cmek := json.patch(gcs, [{"op": "add", "path": "/attributes/resource/data/encryption/defaultKmsKeyName", "value": "projects/p/locations/eu/keyRings/r/cryptoKeys/k"}])
	count(policy.deny) == 0 with input as {"resource": cmek}
}

test_aws_managed_key_of_a_collected_key_denied if {
	key := "arn:aws:kms:eu-central-1:1:key/aws-rds"
	rds := {"id": "aws:arn:aws:rds:eu-central-1:1:db:crm", "kind": "AWS::RDS::DBInstance", "name": "crm", "classification": "personal", "attributes": {"configuration": {"kmsKeyId": key}}}
	managed := {"kind": "AWS::KMS::Key", "attributes": {"configuration": {"keyId": "aws-rds", "arn": key, "keyManager": "AWS"}}}
	count(policy.deny) == 1 with input as {"resource": rds} with data.gavel.estate as terraform.estate_document({"k": managed})
	count(policy.deny) == 0 with input as {"resource": rds}
}
