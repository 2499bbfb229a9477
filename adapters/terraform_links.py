"""Identity keys and links of Terraform resources, so the estate graph can join them to other layers.

A bucket answers to its `storage:` key, a KMS key to every name it is known by, a node pool or
instance to where compute runs; encryption settings become `encrypted_by` links. Much of this is
unknown until apply (a key created in the same plan has no ARN yet), so the plan's configuration
is read too: its references (`aws_kms_key.lake.arn`) name the resource a value will come from,
and become links to that resource's own id. Vocabulary: `engine.identities`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..engine.identities import (
    LINEAGE_JOB_LABEL,
    instance_type_key,
    kms_key,
    lineage_job_key,
    model_key,
    nodepool_key,
    resource_key,
    storage_key,
)
from ..engine.models import Link, Resource
from .shapes import items, mapping, mappings

# Attributes holding the key that encrypts a resource, at any depth (AWS, GCP, Azure).
KMS_ATTRIBUTES = frozenset(
    {
        "kms_master_key_id",
        "kms_key_id",
        "kms_key_arn",
        "kms_key_name",
        "default_kms_key_name",
        "kms_key_self_link",
        "boot_disk_kms_key",
        "key_vault_key_id",
    }
)
# Settings resources naming their bucket in `bucket` (AWS provider v4+), and objects stored in one.
_BUCKET_SETTINGS_PREFIX = "aws_s3_bucket_"
_BUCKET_OBJECTS = frozenset({"aws_s3_bucket_object", "aws_s3_object"})
_MODEL_KINDS = frozenset({"aws_sagemaker_model"})
_NAMED_NODE_POOLS = frozenset({"google_container_node_pool", "azurerm_kubernetes_cluster_node_pool"})
_NOT_RESOURCES = frozenset({"var", "local", "module", "data", "each", "count", "path", "self", "terraform"})
_REFERENCE = re.compile(r"^(?P<type>[a-z0-9]+_[a-z0-9_]+)\.(?P<name>[A-Za-z0-9_-]+)(?P<key>\[[^\]]*\])?")
_INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]')
_MODULE_PREFIX = re.compile(r'^((?:module\.[^.\[]+(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?\.)*)')


class PlanReferences:
    """What one plan's configuration says about its resources, indexed by address."""

    def __init__(self, plan: Mapping[str, Any]):
        self._expressions: dict[str, Mapping[str, Any]] = {}
        configuration = mapping(plan.get("configuration"))
        self._index_configuration(mapping(configuration.get("root_module")), "")
        planned = _plan_values(plan)
        self._addresses: dict[str, list[str]] = {}
        for address in planned:
            self._addresses.setdefault(_INSTANCE_KEY.sub("", address), []).append(address)
        self._aliases: dict[str, list[str]] = {}
        for address, (kind, values) in planned.items():
            if kind == "aws_kms_alias":
                self._index_alias(address, values)

    def annotate(self, resource: Resource) -> Resource:
        """The resource with its identity keys and links (unchanged when it has none)."""
        address = resource.id.removeprefix("terraform:")
        identities = tuple(dict.fromkeys(self._identities(resource, address)))
        links = tuple(dict.fromkeys(self._links(resource, address)))
        if not identities and not links:
            return resource
        return dataclasses.replace(resource, identities=identities, links=links)

    def _identities(self, resource: Resource, address: str) -> Iterator[str]:
        kind, values = resource.kind, resource.attributes
        if kind == "aws_s3_bucket" and _text(values, "bucket"):
            yield _s3_bucket_key(values["bucket"])
        elif kind == "google_storage_bucket" and _text(values, "name"):
            yield f"storage:gs://{values['name'].lower()}"
        elif kind == "azurerm_storage_container" and _text(values, "name"):
            account = values.get("storage_account_name")
            if isinstance(account, str) and account:
                uri = f"abfss://{values['name']}@{account}.dfs.core.windows.net"
                yield from _some(storage_key(uri))
        elif kind in ("aws_kms_key", "google_kms_crypto_key"):
            yield from (kms_key(values[field]) for field in ("arn", "key_id", "id") if _text(values, field))
            yield from (kms_key(alias) for alias in self._aliases.get(address, ()))
        elif kind in _MODEL_KINDS and _text(values, "name"):
            yield model_key(values["name"])
        yield from _compute_identities(kind, values)
        reference = resource.labels.get(LINEAGE_JOB_LABEL)
        if reference and kind not in _MODEL_KINDS:
            yield lineage_job_key(reference, "default", resource.name)

    def _links(self, resource: Resource, address: str) -> Iterator[Link]:
        kind, values = resource.kind, resource.attributes
        expressions = self._expressions.get(_INSTANCE_KEY.sub("", address), {})
        for value in _values_at(values, KMS_ATTRIBUTES):
            yield Link("encrypted_by", kms_key(value))
        for reference in _references_at(expressions, KMS_ATTRIBUTES):
            yield from (Link("encrypted_by", target) for target in self._resolve(address, reference))
        if kind.startswith(_BUCKET_SETTINGS_PREFIX) or kind in _BUCKET_OBJECTS:
            link = "stored_in" if kind in _BUCKET_OBJECTS else "configures"
            yield from self._named(address, values, expressions, "bucket", link, _s3_bucket_key)
        if kind == "aws_kms_alias":
            yield from self._named(address, values, expressions, "target_key_id", "configures", kms_key)
        if kind in _MODEL_KINDS:
            trained_by = resource.labels.get(LINEAGE_JOB_LABEL)
            if trained_by:
                yield Link("trained_on", lineage_job_key(trained_by, "default", resource.name))
            for uri in _values_at(values, frozenset({"model_data_url"})):
                yield from (Link("stored_in", key) for key in _some(storage_key(uri)))
        if kind == "aws_sagemaker_endpoint_configuration":
            for variant in _blocks(values, "production_variants"):
                if _text(variant, "model_name"):
                    yield Link("serves", model_key(variant["model_name"]))
            for reference in _references_at(expressions, frozenset({"model_name"})):
                yield from (Link("serves", target) for target in self._resolve(address, reference))
        if kind.startswith("aws_sagemaker_"):
            for instance_type in _values_at(values, frozenset({"instance_type"})):
                yield Link("runs_on", instance_type_key(instance_type))

    def _named(
        self,
        address: str,
        values: Mapping[str, Any],
        expressions: Mapping[str, Any],
        field: str,
        link: str,
        key_of: Callable[[str], str],
    ) -> Iterator[Link]:
        """A `link` to the resource named in `field`: by its value, else by the reference."""
        if _text(values, field):
            yield Link(link, key_of(values[field]))
            return
        for reference in _references_at(expressions, frozenset({field})):
            yield from (Link(link, target) for target in self._resolve(address, reference))

    def _resolve(self, address: str, reference: str) -> list[str]:
        """Resource keys of a configuration reference made inside the module of `address`."""
        match = _REFERENCE.match(reference)
        if match is None or match.group("type") in _NOT_RESOURCES:
            return []
        prefix = _MODULE_PREFIX.match(address)
        module = prefix.group(1) if prefix else ""
        target = f"{module}{match.group('type')}.{match.group('name')}{match.group('key') or ''}"
        candidates = self._addresses.get(_INSTANCE_KEY.sub("", target), [])
        exact = [a for a in candidates if a == target]
        chosen = exact or [a for a in candidates if a.startswith(module)]
        return [resource_key(f"terraform:{a}") for a in chosen]

    def _index_configuration(self, module: Mapping[str, Any], prefix: str) -> None:
        for entry in mappings(module.get("resources")):
            if isinstance(entry.get("address"), str):
                self._expressions[f"{prefix}{entry['address']}"] = mapping(entry.get("expressions"))
        for name, call in mapping(module.get("module_calls")).items():
            self._index_configuration(mapping(mapping(call).get("module")), f"{prefix}module.{name}.")

    def _index_alias(self, address: str, values: Mapping[str, Any]) -> None:
        names = [values[f] for f in ("name", "arn") if _text(values, f)]
        expressions = self._expressions.get(_INSTANCE_KEY.sub("", address), {})
        for reference in _references_at(expressions, frozenset({"target_key_id"})):
            for key in self._resolve(address, reference):
                self._aliases.setdefault(key.removeprefix("resource:terraform:"), []).extend(names)


def _s3_bucket_key(bucket: str) -> str:
    return f"storage:s3://{bucket.lower()}"


def _compute_identities(kind: str, values: Mapping[str, Any]) -> Iterator[str]:
    """Node pools answer to their name and machine type; VMs and instances to their type."""
    if kind in _NAMED_NODE_POOLS and _text(values, "name"):
        yield nodepool_key(values["name"])
    if kind == "aws_eks_node_group" and _text(values, "node_group_name"):
        yield nodepool_key(values["node_group_name"])
    if kind in ("google_container_node_pool", "google_compute_instance", "google_compute_instance_template"):
        fields = frozenset({"machine_type"})
    elif kind in ("aws_instance", "aws_launch_template"):
        fields = frozenset({"instance_type"})
    elif kind == "aws_eks_node_group":
        fields = frozenset({"instance_types"})
    elif kind.startswith("azurerm_") and ("virtual_machine" in kind or kind.endswith("node_pool")):
        fields = frozenset({"vm_size", "size"})
    else:
        return
    yield from (instance_type_key(value) for value in _values_at(values, fields))


def _values_at(value: Any, fields: frozenset[str]) -> Iterator[str]:
    """Non-empty strings under any of `fields`, at any depth (lists of strings included)."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            if key in fields:
                found = child if isinstance(child, list) else [child]
                yield from (item for item in found if isinstance(item, str) and item)
            elif isinstance(child, Mapping | list):
                yield from _values_at(child, fields)
    elif isinstance(value, list):
        for child in value:
            yield from _values_at(child, fields)


def _references_at(expressions: Any, fields: frozenset[str]) -> Iterator[str]:
    """The references of configuration expressions under any of `fields`, at any depth."""
    if isinstance(expressions, Mapping):
        for key, child in expressions.items():
            if key in fields and isinstance(child, Mapping):
                yield from (r for r in items(child.get("references")) if isinstance(r, str))
            elif isinstance(child, Mapping | list):
                yield from _references_at(child, fields)
    elif isinstance(expressions, list):
        for child in expressions:
            yield from _references_at(child, fields)


def _plan_values(plan: Mapping[str, Any]) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """Address -> (type, values) of every managed resource; planned values win over changes.

    Tolerant of malformed entries: the plan adapter reports those with their location.
    """
    found: dict[str, tuple[str, Mapping[str, Any]]] = {}
    modules = [mapping(mapping(plan.get("planned_values")).get("root_module"))]
    while modules:
        module = modules.pop()
        for entry in mappings(module.get("resources")):
            if isinstance(entry.get("address"), str) and entry.get("mode", "managed") == "managed":
                found[entry["address"]] = (str(entry.get("type")), mapping(entry.get("values")))
        modules.extend(mapping(child) for child in items(module.get("child_modules")))
    for change in mappings(plan.get("resource_changes")):
        if isinstance(change.get("address"), str) and change.get("mode", "managed") == "managed":
            details = mapping(change.get("change"))
            values = mapping(details.get("after") or details.get("before"))
            found.setdefault(change["address"], (str(change.get("type")), values))
    return found


def _blocks(values: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    block = values.get(name)
    return mappings(block if isinstance(block, list) else [block])


def _text(values: Mapping[str, Any], field: str) -> bool:
    value = values.get(field)
    return isinstance(value, str) and bool(value)


def _some(value: str | None) -> Iterator[str]:
    if value is not None:
        yield value
