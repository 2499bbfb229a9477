# Reading network exposure: whether a rule's sources mean "the internet", and which of the
# sensitive ports (administration and database endpoints, data/network_exposure.yaml) a port
# range opens. AWS, Azure and GCP write port ranges differently; `range_of` reads the text forms
# (`22`, `1000-2000`, `*`) and the policies pass numeric bounds straight to `exposed_ports`.
package gavel.lib.network

import rego.v1

import data.gavel.lib.checks
params := checks.parameters("network_exposure")

world_sources := {lower(s) | some s in object.get(params, "world_sources", ["0.0.0.0/0", "::/0"])}

# port number -> service, of administration and database endpoints.
sensitive_ports := {to_number(port): service |
	some port, service in object.union(object.get(params, "admin_ports", {}), object.get(params, "database_ports", {}))
}

# True when any of the source addresses is the whole internet.
from_anywhere(sources) if {
	some source in sources
	is_string(source)
	lower(source) in world_sources
}

# {port: service} of the sensitive ports in [low, high].
exposed_ports(low, high) := {port: service |
	some port, service in sensitive_ports
	port >= low
	port <= high
}

# A port range written as text (`22`, `1000-2000`, `*`, empty for "all") as [low, high];
# undefined for anything else.
range_of(text) := [0, 65535] if {
	text in {"*", ""}
} else := [to_number(text), to_number(text)] if {
	is_string(text)
	regex.match(`^[0-9]+$`, text)
} else := [to_number(bounds[0]), to_number(bounds[1])] if {
	is_string(text)
	regex.match(`^[0-9]+-[0-9]+$`, text)
	bounds := split(text, "-")
}

# The sensitive ports opened by any of several text ranges.
exposed_by_ranges(texts) := {port: service |
	some text in texts
	bounds := range_of(text)
	some port, service in exposed_ports(bounds[0], bounds[1])
}

# "22 (SSH), 3389 (RDP)" for messages, in port order.
describe(ports) := concat(", ", [sprintf("%v (%s)", [port, ports[port]]) | some port in sort(object.keys(ports))])

# A deny entry for a rule (`field`) that opens sensitive `ports` to the internet from `sources`.
exposure_finding(subject, field, sources, ports) := {
	"msg": sprintf("%s: %s opens %s to the internet (%s); allow only your administration or application networks there", [subject, field, describe(ports), concat(", ", [sprintf("%v", [s]) | some s in sources; from_anywhere([s])])]),
	"details": {"field": field, "actual": sources, "expected": "no internet source on these ports", "ports": sort(object.keys(ports))},
}
