package gavel.network_exposure.database_publicly_accessible_test

import rego.v1

import data.gavel.network_exposure.database_publicly_accessible as policy

db(kind, attributes) := {"id": sprintf("terraform:%s.crm", [kind]), "kind": kind, "name": "crm", "attributes": attributes}

test_public_rds_denied if {
	[d.msg | some d in policy.deny] == ["aws_db_instance.crm: publicly_accessible is true; set publicly_accessible to false"] with input as {"resource": db("aws_db_instance", {"publicly_accessible": true})}
}

test_private_rds_allowed if {
	count(policy.deny) == 0 with input as {"resource": db("aws_db_instance", {"publicly_accessible": false})}
	count(policy.deny) == 0 with input as {"resource": db("aws_rds_cluster_instance", {})}
}

test_redshift if {
	count(policy.deny) == 1 with input as {"resource": db("aws_redshift_cluster", {"publicly_accessible": "true"})}
	count(policy.deny) == 0 with input as {"resource": db("aws_redshift_cluster", {"publicly_accessible": "false"})}
}

test_computed_at_apply_warns if {
	r := object.union(db("aws_dms_replication_instance", {}), {"unknown": [["publicly_accessible"]]})
	count(policy.deny) == 0 with input as {"resource": r}
	count(policy.warn) == 1 with input as {"resource": r}
}

test_config_item_public_instance if {
	rds := {"id": "aws:arn:aws:rds:eu-central-1:1:db:crm", "kind": "AWS::RDS::DBInstance", "name": "crm", "attributes": {"configuration": {"publiclyAccessible": true}}}
	[d.details.field | some d in policy.deny] == ["configuration.publiclyAccessible"] with input as {"resource": rds}
	count(policy.deny) == 0 with input as {"resource": json.patch(rds, [{"op": "replace", "path": "/attributes/configuration/publiclyAccessible", "value": false}])}
}
