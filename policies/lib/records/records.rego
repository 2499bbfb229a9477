# Stores of regulated records (data/retention.yaml): which resources hold books and records that
# must be kept unalterable (SEC Rule 17a-4(f)), and for how long at least.
package gavel.lib.records

import rego.v1

import data.gavel.lib.checks
params := checks.parameters("retention")

# Shortest locked retention, in days (six years unless configured).
min_days := object.get(params, "records_min_retention_days", 2190)

# True when a resource's tags or labels mark it as a store of regulated records.
record_store(resource) if {
	some key in object.get(params, "records_label_keys", [])
	lower(resource.labels[key]) in object.get(params, "records_classes", [])
}

# The records class a resource is labelled with, for messages.
records_class(resource) := [lower(resource.labels[key]) |
	some key in object.get(params, "records_label_keys", [])
	resource.labels[key]
][0]
