package gavel.x.bad_policy

import rego.v1

deny contains "x" if {
	count(input.resource.attributes) >
}
