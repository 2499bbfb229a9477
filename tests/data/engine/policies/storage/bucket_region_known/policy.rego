# METADATA
# title: Test buckets name a region the estate knows
# custom:
#   id: bucket_region_known
#   severity: medium
#   regulations:
#     - {framework: GDPR, article: "Art. 44"}
#   resource_kinds: [aws_s3_bucket, Deployment]
#   remediation: Set the provider region to one of the regions in data.gavel.data.test_regions.
package gavel.storage.bucket_region_known

import rego.v1

deny contains {"msg": sprintf("%s: region %v is not allowed", [input.resource.id, input.resource.region])} if {
	not input.resource.region in data.gavel.data.test_regions.allowed
}
