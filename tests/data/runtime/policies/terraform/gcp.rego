package terraform.gcp

import rego.v1

changes := [rc | some rc in input.plan.resource_changes; rc.change.after != null]

deny contains {"msg": sprintf("%s stores data outside the EEA (%s)", [rc.address, location]), "details": {"location": location}} if {
	some rc in changes
	rc.type == "google_storage_bucket"
	location := upper(rc.change.after.location)
	not location in data.runtime.eea_locations
}

deny contains {"msg": sprintf("%s has accelerators in a non-approved zone %s", [rc.address, rc.change.after.zone])} if {
	some rc in changes
	rc.type == "google_compute_instance"
	count(object.get(rc.change.after, "guest_accelerator", [])) > 0
	not zone_approved(rc.change.after.zone)
}

zone_approved(zone) if {
	some pattern in data.runtime.approved_gpu_zones
	glob.match(pattern, ["-"], zone)
}

warn contains {"msg": sprintf("%s has no data-classification label", [rc.address])} if {
	some rc in changes
	not labels_of(rc)["data-classification"]
}

accelerators := sum([a.count | some rc in changes; some a in object.get(rc.change.after, "guest_accelerator", [])])

# Terraform writes `"labels": null` for an unset map.
labels_of(rc) := labels if {
	labels := rc.change.after.labels
	is_object(labels)
} else := {}

label_keys := {k | some rc in changes; some k, _ in labels_of(rc)}

kms_keyed := {rc.address: key |
	some rc in changes
	some enc in object.get(rc.change.after, "encryption", [])
	key := enc.default_kms_key_name
}

size_limit_bytes := units.parse_bytes(data.runtime.max_object_size)
