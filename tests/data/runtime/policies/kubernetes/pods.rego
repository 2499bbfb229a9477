package kubernetes.pods

import data.lib.k8s
import rego.v1

request := input.request

deny contains {"msg": sprintf("container %q is privileged", [c.name]), "details": {"container": c.name}} if {
	some c in k8s.containers(request.object)
	c.securityContext.privileged == true
}

deny contains {"msg": sprintf("image %q is not from an approved registry", [c.image]), "details": {"image": c.image}} if {
	some c in k8s.containers(request.object)
	not approved_registry(c.image)
}

approved_registry(image) if {
	some prefix in data.runtime.approved_registries
	startswith(image, prefix)
}

warn contains {"msg": sprintf("image %q floats", [c.image])} if {
	some c in k8s.containers(request.object)
	k8s.floating_tag(c.image)
}

default allowed := false

allowed if count(deny) == 0

containers_without_limits := {c.name |
	some c in k8s.containers(request.object)
	not c.resources.limits.memory
}
