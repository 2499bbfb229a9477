"""The Rego that lets Gatekeeper templates run on gavel's input, shared by every Constraint.

`admission` turns `input.resource` into the `input.review` Gatekeeper templates read, decides
whether a Constraint's `match` block selects a resource, and shapes a template's violation into
a gavel finding. `inventory` serves Gatekeeper's `data.inventory` from the estate: the object under
review is left out, as it is not yet stored when Gatekeeper reviews it.

Match semantics follow Gatekeeper: `namespaces`, `excludedNamespaces` and `name` take exact
names or a `prefix*` / `*suffix` glob; a Namespace is matched by its own name; an object without
a namespace is not filtered by namespace criteria; a `namespaceSelector` reads the labels of the
Namespace object in the estate, and an unknown namespace has no labels.
"""

ADMISSION_REGO = """package gavel_gatekeeper.admission

import rego.v1

_operations := {"create": "CREATE", "update": "UPDATE", "delete": "DELETE", "connect": "CONNECT"}

review(resource) := {
	"object": resource.attributes,
	"kind": kind_of(resource.attributes),
	"name": object.get(resource.attributes, ["metadata", "name"], resource.name),
	"namespace": object.get(resource.attributes, ["metadata", "namespace"], ""),
	"operation": operation(resource),
}

operation(resource) := _operations[lower(resource.action)] if is_string(resource.action)

else := "CREATE"

kind_of(obj) := {"group": "", "version": obj.apiVersion, "kind": obj.kind} if {
	not contains(obj.apiVersion, "/")
}

kind_of(obj) := {"group": parts[0], "version": parts[1], "kind": obj.kind} if {
	contains(obj.apiVersion, "/")
	parts := split(obj.apiVersion, "/")
}

finding(violation, constraint) := {
	"msg": object.get(violation, "msg", sprintf("%v", [violation])),
	"details": {
		"constraint": constraint.ref,
		"enforcement_action": constraint.action,
		"violation": object.get(violation, "details", {}),
	},
}

applies(match, resource) if {
	resource.platform == "kubernetes"
	_kind_selected(match, kind_of(resource.attributes))
	_namespace_listed(match, _namespace_of(resource.attributes))
	not _namespace_excluded(match, _namespace_of(resource.attributes))
	_in_scope(object.get(match, "scope", "*"), object.get(resource.attributes, ["metadata", "namespace"], ""))
	_name_matches(object.get(match, "name", "*"), object.get(resource.attributes, ["metadata", "name"], ""))
	selects(object.get(match, "labelSelector", {}), _labels(resource.attributes))
	_namespace_selected(match, _namespace_of(resource.attributes))
}

_kind_selected(match, _) if count(object.get(match, "kinds", [])) == 0

_kind_selected(match, kind) if {
	some entry in match.kinds
	_listed(object.get(entry, "apiGroups", []), kind.group)
	_listed(object.get(entry, "kinds", []), kind.kind)
}

_listed(values, _) if count(values) == 0

_listed(values, _) if "*" in values

_listed(values, value) if value in values

_namespace_of(obj) := obj.metadata.name if {
	obj.kind == "Namespace"
	obj.apiVersion == "v1"
}

else := object.get(obj, ["metadata", "namespace"], "")

_namespace_listed(match, _) if count(object.get(match, "namespaces", [])) == 0

_namespace_listed(_, namespace) if namespace == ""

_namespace_listed(match, namespace) if {
	some pattern in match.namespaces
	_name_matches(pattern, namespace)
}

_namespace_excluded(match, namespace) if {
	namespace != ""
	some pattern in object.get(match, "excludedNamespaces", [])
	_name_matches(pattern, namespace)
}

_in_scope("*", _) := true

_in_scope("Namespaced", namespace) if namespace != ""

_in_scope("Cluster", "") := true

_name_matches("*", _) := true

_name_matches(pattern, name) if pattern == name

_name_matches(pattern, name) if {
	endswith(pattern, "*")
	startswith(name, trim_suffix(pattern, "*"))
}

_name_matches(pattern, name) if {
	startswith(pattern, "*")
	endswith(name, trim_prefix(pattern, "*"))
}

_labels(obj) := object.get(obj, ["metadata", "labels"], {})

# A Kubernetes label selector: every matchLabels pair and every matchExpressions entry holds.
selects(selector, labels) if {
	every key, value in object.get(selector, "matchLabels", {}) {
		labels[key] == value
	}
	every expression in object.get(selector, "matchExpressions", []) {
		_holds(expression, labels)
	}
}

_holds(expression, labels) if {
	expression.operator == "In"
	labels[expression.key] in expression.values
}

_holds(expression, labels) if {
	expression.operator == "NotIn"
	not labels[expression.key] in expression.values
}

_holds(expression, labels) if {
	expression.operator == "Exists"
	expression.key in object.keys(labels)
}

_holds(expression, labels) if {
	expression.operator == "DoesNotExist"
	not expression.key in object.keys(labels)
}

_namespace_selected(match, _) if not "namespaceSelector" in object.keys(match)

_namespace_selected(_, namespace) if namespace == ""

_namespace_selected(match, namespace) if {
	"namespaceSelector" in object.keys(match)
	namespace != ""
	some labels in _namespace_labels(namespace)
	selects(match.namespaceSelector, labels)
}

# The labels of every Namespace object of that name in the estate; none known means no labels.
_namespace_labels(namespace) := found if {
	found := [_labels(resource.attributes) |
		some resource in data.gavel.estate.resources
		resource.platform == "kubernetes"
		resource.kind == "Namespace"
		resource.name == namespace
	]
	count(found) > 0
} else := [{}]
"""

INVENTORY_REGO = """package gavel_gatekeeper.inventory

import rego.v1

_stored contains obj if {
	some resource in data.gavel.estate.resources
	resource.platform == "kubernetes"
	obj := resource.attributes
	obj != input.review.object
}

namespace[ns][api_version][kind][name] := obj if {
	some obj in _stored
	ns := obj.metadata.namespace
	api_version := obj.apiVersion
	kind := obj.kind
	name := obj.metadata.name
}

cluster[api_version][kind][name] := obj if {
	some obj in _stored
	not obj.metadata.namespace
	api_version := obj.apiVersion
	kind := obj.kind
	name := obj.metadata.name
}
"""
