# Reading a workload's security settings the way the kubelet applies them: a container's
# securityContext wins over the pod's (runAsNonRoot, runAsUser, seccompProfile may be set at
# either level), and every finding names the field path inside the object it was read from.
package gavel.lib.pod_security

import rego.v1

import data.gavel.lib.k8s

# Where the pod spec sits in the object, for field names in messages.
spec_field(object) := "spec" if {
	object.kind == "Pod"
} else := "spec.jobTemplate.spec.template.spec" if {
	object.kind == "CronJob"
} else := "spec.template.spec"

# `spec.template.spec.containers[train].securityContext.privileged`, for messages.
container_field(object, entry, suffix) := sprintf("%s.%s[%s].%s", [spec_field(object), entry.field, entry.container.name, suffix])

# A pod spec field path, e.g. `spec.template.spec.hostNetwork`.
pod_field(object, suffix) := sprintf("%s.%s", [spec_field(object), suffix])

# A securityContext setting of a container, or the pod's when the container leaves it unset;
# null when neither sets it.
effective(object, container, key) := effective_in(spec, container, key) if {
	spec := k8s.pod_spec(object)
} else := effective_in({}, container, key)

# `effective` for a pod spec already read: a policy asking it for every container binds the pod
# spec once (`spec := k8s.pod_spec(workload)`) instead of reading it again at each call.
effective_in(spec, container, key) := value if {
	value := container.securityContext[key]
	value != null
} else := value if {
	value := spec.securityContext[key]
} else := null
