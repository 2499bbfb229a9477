# Jurisdiction of a cloud region, zone or location string, from data.gavel.data.regions.
#
# Names are matched lower-cased without spaces ("West Europe" -> westeurope); a zone maps to its
# region (eu-west-1a, europe-west4-a, us-west-2-lax-1a). A location missing from the table is
# unknown: it is treated as outside the EEA without adequacy, and `known` lets policies say so.
package gavel.lib.regions

import rego.v1

import data.gavel.lib.checks

table := checks.parameters("regions")

normalise(location) := replace(replace(lower(trim_space(location)), " ", ""), "_", "-")

# The table key a location resolves to: itself, or the region of a zone.
region_of(location) := name if {
	name := normalise(location)
	table[name]
} else := name if {
	matches := regex.find_n(`^[a-z]+(-[a-z]+)*-?[0-9]+`, normalise(location), 1)
	count(matches) == 1
	name := matches[0]
	table[name]
}

known(location) if region_of(location)

unknown_jurisdiction := {"country": null, "eea": false, "adequacy": false, "known": false}

# {country, eea, adequacy, known} for any location string; unknown ones are not EEA.
jurisdiction(location) := object.union(table[region_of(location)], {"known": true}) if {
	region_of(location)
} else := unknown_jurisdiction

in_eea(location) if jurisdiction(location).eea == true

# GDPR Chapter V: transfers need no further basis when the destination is in the EEA or has an
# adequacy decision (Art. 45).
transfer_permitted(location) if permitted(jurisdiction(location))

# The same, for a jurisdiction already looked up (each lookup normalises and matches the name).
permitted(j) if j.eea == true

permitted(j) if j.adequacy == true

# Why a location is not acceptable for personal data, for messages.
reason(location) := reason_in(location, jurisdiction(location))

reason_in(location, j) := sprintf("region %q is not in the regions table; it is treated as outside the EEA", [location]) if {
	not j.known
} else := sprintf("region %q is in %s, outside the EEA", [location, country_name(j)])

country_name(j) := j.country if {
	is_string(j.country)
} else := "several non-EEA countries"

# Where a resource lives: its own `location`, `region` or `availability_zone` attribute (GCS,
# BigQuery, Azure, Cloud SQL, EBS), else the region the adapter resolved (provider region),
# else null.
resource_location(resource) := candidates[0] if {
	candidates := [v |
		some key in ["location", "region", "availability_zone"]
		v := object.get(resource, ["attributes", key], null)
		is_string(v)
		v != ""
	]
	count(candidates) > 0
} else := resource.region if {
	is_string(resource.region)
	resource.region != ""
} else := null

eea_example := "a region in the EEA or with an EU adequacy decision (e.g. eu-central-1, europe-west4, westeurope)"

# Residency findings for data held or processed at `location` (undefined location included):
# `subject` names the resource in messages, `field` the setting that chooses the location.
transfer_violations(subject, location, field) := {v |
	not regions_known_location(location)
	v := {
		"msg": sprintf("%s: personal data in an unknown region; set %s to %s", [subject, field, eea_example]),
		"details": {"field": field, "actual": null, "expected": eea_example},
	}
} | {v |
	regions_known_location(location)
	j := jurisdiction(location)
	not permitted(j)
	v := {
		"msg": sprintf("%s: personal data outside the EEA without an adequacy basis: %s; set %s to %s", [subject, reason_in(location, j), field, eea_example]),
		"details": {"field": field, "actual": location, "expected": eea_example},
	}
}

regions_known_location(location) if {
	is_string(location)
	location != ""
}

# True when a location, or the region of a zone, is one of `names` (e.g. a parameter list).
listed(location, names) if region_of(location) in names

listed(location, names) if normalise(location) in names
