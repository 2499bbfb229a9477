# METADATA
# title: AWS databases and warehouses get no public endpoint
# description: >-
#   RDS instances (and Aurora cluster instances), Redshift clusters and DMS replication
#   instances keep publicly_accessible false, so they resolve to private addresses only and
#   are reachable from inside the VPC (or through a peering, VPN or PrivateLink) alone. A value
#   the provider computes at apply is a warning to check.
# custom:
#   id: database_publicly_accessible
#   version: 1.0.0
#   severity: high
#   controls: [GVL-NET-03]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "SC-7"}
#     - {framework: NIST-800-53, article: "AC-3"}
#     - {framework: ISO-27001, article: "A.8.20"}
#     - {framework: CIS, article: "AWS Foundations 1.5.0 2.3.3"}
#   resource_kinds: [aws_db_instance, aws_rds_cluster_instance, aws_redshift_cluster,
#     aws_dms_replication_instance, AWS::RDS::DBInstance]
#   remediation: |
#     resource "aws_db_instance" "crm" {
#       publicly_accessible  = false
#       db_subnet_group_name = aws_db_subnet_group.private.name
#     }
package gavel.network_exposure.database_publicly_accessible

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.cloud
import data.gavel.lib.terraform

# RDS instances as AWS Config records them (an export or `gavel audit --aws`) say it in camel case.
field := "configuration.publiclyAccessible" if {
	cloud.aws_item(input.resource)
} else := "publicly_accessible"

value := object.get(input.resource.attributes, split(field, "."), null)

deny contains checks.finding(terraform.address(input.resource), field, value, false) if {
	terraform.is_true(value)
}

warn contains checks.after_apply(terraform.address(input.resource), field, false) if {
	terraform.unknown(input.resource, ["publicly_accessible"])
}
