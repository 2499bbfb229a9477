# METADATA
# title: Takes far longer than an admission deadline to decide
# custom:
#   id: counts_to_a_million
#   severity: low
#   regulations:
#     - {framework: ISO-27001, article: "A.8.6"}
#   resource_kinds: [Job]
#   remediation: Nothing to fix; this policy exists to run past the deadline.
package gavel.kubernetes.counts_to_a_million

import rego.v1

deny contains "never" if {
	count([x | some x in numbers.range(1, 1000000); x % 7 == 13]) > 0
}
