# METADATA
# title: S3 bucket ACLs grant nothing to everyone or to every AWS account
# description: >-
#   A bucket's ACL, set on the bucket (acl, grant) or by an aws_s3_bucket_acl that configures
#   it (acl, access_control_policy), uses no public canned ACL (public-read, public-read-write,
#   authenticated-read) and no grant to the AllUsers or AuthenticatedUsers groups
#   (data/network_exposure.yaml). Judged even where a public access block would ignore it today:
#   the ACL is one switch away from publishing the data.
# custom:
#   id: s3_public_acl
#   version: 1.0.0
#   severity: critical
#   controls: [GVL-NET-01]
#   regulations:
#     - {framework: GDPR, article: "Art. 32(1)(b)"}
#     - {framework: NIST-800-53, article: "AC-3"}
#     - {framework: NIST-800-53, article: "AC-21"}
#     - {framework: ISO-27001, article: "A.8.3"}
#   resource_kinds: [aws_s3_bucket]
#   remediation: |
#     Disable ACLs and grant access through bucket policies and IAM instead:
#       resource "aws_s3_bucket_ownership_controls" "customers" {
#         bucket = aws_s3_bucket.customers.id
#         rule { object_ownership = "BucketOwnerEnforced" }
#       }
package gavel.network_exposure.s3_public_acl

import rego.v1

import data.gavel.lib.checks
import data.gavel.lib.settings
import data.gavel.lib.terraform

public_acls := object.get(checks.parameters("network_exposure"), "public_canned_acls", [])

public_uris := object.get(checks.parameters("network_exposure"), "public_grantee_uris", [])

# {field, acl, grants} of the bucket and of each aws_s3_bucket_acl configuring it.
sources contains {"field": "acl", "acl": object.get(a, "acl", null), "uris": [object.get(g, "uri", null) | some g in terraform.blocks(a, "grant")]} if {
	a := input.resource.attributes
}

sources contains {"field": "aws_s3_bucket_acl.acl", "acl": object.get(a, "acl", null), "uris": [object.get(grantee, "uri", null) |
	some policy in terraform.blocks(a, "access_control_policy")
	some grant in terraform.blocks(policy, "grant")
	some grantee in terraform.blocks(grant, "grantee")
]} if {
	some resource in settings.of_kind(input.resource, "aws_s3_bucket_acl")
	a := resource.attributes
}

deny contains checks.finding(terraform.address(input.resource), source.field, source.acl, "private") if {
	some source in sources
	source.acl in public_acls
}

deny contains checks.finding(terraform.address(input.resource), sprintf("%s grant grantee uri", [source.field]), uri, "no grant to AllUsers or AuthenticatedUsers") if {
	some source in sources
	some uri in source.uris
	uri in public_uris
}
