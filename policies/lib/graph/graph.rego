# The estate graph (data.gavel.estate): typed edges between resources of every layer, resolved
# by the engine from the identity keys adapters declare (engine/identities.py). Rules follow
# edges through the `out`/`in` indexes (the estate holds no list of edges to scan), so judging
# one resource costs the size of its neighbourhood, not of the estate.
#
# A rule of another package is imported by its own path (`k8s_placement`), not read through its
# package (`k8s.placement`): the embedded runtime evaluates every rule of a package read as a
# whole, for each resource judged.
#
# Edge types, read `<source> <type> <target>`: reads, writes (a job or the workload running it ->
# datasets or storage), stored_in (dataset -> storage), encrypted_by (-> key), runs_on (workload
# -> node pool or instance), trained_on (model -> datasets), deployed_as (model -> what serves
# it), validates (data-quality result -> dataset), runs (workload -> lineage job), configures
# (settings resource -> what it configures), mounts (workload -> volume claim).
package gavel.lib.graph

import rego.v1

import data.gavel.lib.classification
import data.gavel.lib.classification.levels as classification_levels
import data.gavel.lib.k8s
import data.gavel.lib.k8s.placement as k8s_placement
import data.gavel.lib.regions

estate := object.get(data, ["gavel", "estate"], {})

params := object.get(data, ["gavel", "data", "cross_layer"], {})

# Data governance parameters shared with the data_governance policies (DPIA tags, validation age).
governance_params := object.get(data, ["gavel", "data", "data_governance"], {})

# The estate resource with this id; undefined when it was not collected.
resource(id) := estate.resources[id]

# How to name a resource in messages: `Job/ml/train` for Kubernetes objects, else its id.
display(r) := k8s.display(r) if {
	r.platform == "kubernetes"
} else := r.id

# Ids of what `id` points at with edges of `type`, in edge order.
targets(id, type) := object.get(estate, ["out", id, type], [])

# Ids of what points at `id` with edges of `type`.
sources(id, type) := object.get(estate, ["in", id, type], [])

# Ids joined to `id` by edges of `type` in either direction.
neighbours(id, type) := {n | some n in targets(id, type)} | {n | some n in sources(id, type)}

# Targets of the links of `id` of `type` that named nothing collected (identity keys).
unresolved(id, type) := [link.target |
	some link in object.get(estate, ["unresolved", id], [])
	link.type == type
]

# The datasets (or storage) a job, or the workload running it, reads; a model's training data.
read_data(id) := targets(id, "reads")

training_data(id) := targets(id, "trained_on")

# A model's training data without the storage of its own training datasets (a registry links a
# model to a dataset and to the bucket holding it; the dataset is what is judged).
training_datasets(id) := [t |
	some t in training_data(id)
	not stores_training_data(id, t)
]

stores_training_data(id, storage) if {
	some dataset in training_data(id)
	storage in targets(dataset, "stored_in")
}

# Every dataset upstream of a workload, job or model: what it reads or was trained on, what the
# writers of those read, and so on (`upstream` is one lineage step, precomputed by the engine).
upstream_datasets(id) := direct | reached | {d |
	some r in reached
	some d in estate.upstream[r]
} if {
	direct := {d | some d in array.concat(read_data(id), training_data(id))}
	reached := {r | some r in graph.reachable(object.get(estate, "upstream", {}), direct)}
}

# The classification the engine settled for a resource (own labels, namespace, lineage), or null.
# Read straight from the estate: cheaper than fetching the resource, which matters in loops.
level_of(id) := object.get(estate, ["resources", id, "classification"], null)

# Levels that are personal data in the GDPR sense (personal, special-category).
personal_levels := {level | some i, level in classification_levels; i >= classification.rank("personal")}

# Resources of at least `level` among `ids`, with their classification, for messages.
classified_at_least(ids, level) := [{"id": id, "classification": found} |
	some id in ids
	found := level_of(id)
	is_string(found)
	classification.rank(found) >= classification.rank(level)
]

# Models: what answers to a model or model-version key. A registry's container of versions
# (params.registry_model_kinds) is judged through its versions.
is_model(r) if {
	some key in object.get(r, "identities", [])
	startswith(key, "model-version:")
}

is_model(r) if {
	some key in object.get(r, "identities", [])
	startswith(key, "model:")
	not r.kind in object.get(params, "registry_model_kinds", [])
}

# A model in production: labelled so, in a production registry stage, or holding a production
# alias (params.production).
is_production(r) if {
	production := object.get(params, "production", {})
	some key in object.get(production, "label_keys", [])
	lower(object.get(r, ["labels", key], "")) in object.get(production, "label_values", [])
}

is_production(r) if {
	stage := object.get(r, ["attributes", "current_stage"], "")
	is_string(stage)
	lower(stage) in object.get(params, ["production", "stages"], [])
}

is_production(r) if {
	some alias in object.get(r, ["attributes", "aliases"], [])
	is_string(alias)
	lower(alias) in object.get(params, ["production", "aliases"], [])
}

# Deployed: something serves it, or it is in production.
is_deployed(r) if count(targets(r.id, "deployed_as")) > 0

is_deployed(r) if is_production(r)

# Where a resource's compute runs: {location, via}. Pinned regions and zones of a Kubernetes
# workload or pipeline task, the location of each node pool or instance it runs on, and its own
# location (a cloud training job). Empty when nothing says where it runs.
compute_placements(r) := pinned(r) | hosted(r) | own(r)

pinned(r) := {{"location": l, "via": "node selector"} |
	some l in k8s.locations(r.attributes)
} | {{"location": l, "via": "node selector"} |
	selector := object.get(r, ["attributes", "node_selector"], {})
	is_object(selector)
	some l in k8s.selector_values({"nodeSelector": selector}, location_label_keys)
}

location_label_keys := array.concat(
	object.get(k8s_placement, "region_label_keys", []),
	object.get(k8s_placement, "zone_label_keys", []),
)

hosted(r) := {{"location": l, "via": host} |
	some host in targets(r.id, "runs_on")
	l := regions.resource_location(resource(host))
	is_string(l)
}

own(r) := {{"location": l, "via": "its own location"} |
	l := regions.resource_location(r)
	is_string(l)
}

# {location, via, jurisdiction} for every place the resource's compute runs.
compute_jurisdictions(r) := {object.union(p, {"jurisdiction": regions.jurisdiction(p.location)}) |
	some p in compute_placements(r)
}

# Placements outside the EEA without an adequacy decision (unknown regions count as outside).
placements_outside_eea(r) := {p |
	some p in compute_placements(r)
	not regions.transfer_permitted(p.location)
}

# The keys that encrypt a resource: resolved key resources, and key names not collected, from
# the resource itself and from the settings resources that configure it (an S3 encryption
# configuration). {key, resource} where resource is the key's id or null.
encryption_keys(id) := {k |
	some holder in array.concat([id], sources(id, "configures"))
	some key in targets(holder, "encrypted_by")
	k := {"key": key, "resource": key}
} | {k |
	some holder in array.concat([id], sources(id, "configures"))
	some key in unresolved(holder, "encrypted_by")
	k := {"key": key, "resource": null}
}

# A customer-managed key: a collected key resource not managed by the cloud provider, or a key
# name that is not a provider-managed alias (params.provider_managed_key_patterns).
customer_managed(k) if {
	is_string(k.resource)
	key := resource(k.resource)
	not provider_managed_resource(key)
}

# A collected key the provider manages: KMS DescribeKey's KeyManager, as boto3 or an AWS Config
# item (configuration.keyManager) gives it.
provider_managed_resource(key) if object.get(key, ["attributes", "KeyManager"], "") == "AWS"

provider_managed_resource(key) if object.get(key, ["attributes", "configuration", "keyManager"], "") == "AWS"

customer_managed(k) if {
	k.resource == null
	not provider_managed_name(k.key)
}

provider_managed_name(key) if {
	some pattern in object.get(params, "provider_managed_key_patterns", [])
	regex.match(pattern, key)
}

# A store: what answers to a `storage:` key (a bucket, a database) or holds datasets.
is_storage(r) if {
	some key in object.get(r, "identities", [])
	startswith(key, "storage:")
}

is_storage(r) if count(sources(r.id, "stored_in")) > 0

# The writes into storage `id` that carry personal data: the dataset written is personal, or
# the writer handles personal data (its classification, from what it reads).
personal_writes(id) := {w |
	some dataset in sources(id, "stored_in")
	some writer in sources(dataset, "writes")
	personal_write(dataset, writer)
	w := {"dataset": dataset, "writer": writer}
} | {w |
	some writer in sources(id, "writes")
	level_of(writer) in personal_levels
	w := {"dataset": null, "writer": writer}
}

personal_write(dataset, _) if level_of(dataset) in personal_levels

personal_write(_, writer) if level_of(writer) in personal_levels

# An estate document as the engine builds it (resources by id, `out`/`in` indexes, one lineage
# step in `upstream`) from resources and edges `{from, to, type}`, for tests that mock
# data.gavel.estate.
estate_document(resources, edges) := {
	"resources": resources,
	"out": {node: index(edges, node, "from", "to") | some edge in edges; node := edge.from},
	"in": {node: index(edges, node, "to", "from") | some edge in edges; node := edge.to},
	"upstream": {node: upstream_step(edges, node) | some edge in edges; edge.type == "writes"; node := edge.to},
}

index(edges, node, end, other) := {type: [e[other] | some e in edges; e[end] == node; e.type == type] |
	some edge in edges
	edge[end] == node
	type := edge.type
}

upstream_step(edges, node) := [read.to |
	some write in edges
	write.type == "writes"
	write.to == node
	some read in edges
	read.type == "reads"
	read.from == write.from
]
