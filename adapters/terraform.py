"""Terraform plans (`terraform show -json`) as resources: what the plan will create, change or delete.

A plan states the planned values of every managed resource (root module and nested child
modules) and the change each one undergoes. A deleted resource has no planned values, so it is
taken from `resource_changes` with its `before` values: policies can still see what is going away.
Labels merge the AWS `tag` blocks, `tags_all`, `tags`, GCP `labels` and Cloud SQL's
`settings.user_labels`, later ones winning.
Region comes from the resource itself (`region`, `location`, `zone`) or else from the provider
configuration the resource uses, following module-scoped and aliased providers.
Identity keys and links for the estate graph come from `terraform_links`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..engine.errors import InputError, SourceLocation
from ..engine.models import Provenance, Resource
from .base import Skipped
from .labels import flatten_labels
from .sources import Document, SourceText, parse_json
from .terraform_links import PlanReferences
from .terraform_unknown import AttributePath, unknown_paths

ADAPTER_NAME = "terraform"
_NOT_A_PLAN_HINT = "produce it with `terraform show -json PLANFILE`"
_REGION_ATTRIBUTES = ("region", "location", "zone")
_LABEL_ATTRIBUTES = ("tag", "tags_all", "tags", "labels")


def _nested_labels(attributes: Mapping[str, Any]) -> list[Any]:
    """Labels kept inside a block: Cloud SQL instances hold theirs in `settings[].user_labels`."""
    settings = attributes.get("settings")
    blocks = settings if isinstance(settings, list) else []
    return [block.get("user_labels") for block in blocks if isinstance(block, Mapping)]


_ADDRESS_MEMBER = re.compile(r'"address"\s*:\s*("(?:[^"\\]|\\.)*")')
_INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]')


def is_terraform_plan(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and "format_version" in value
        and ("planned_values" in value or "resource_changes" in value)
    )


@dataclass(frozen=True)
class TerraformPlan:
    """The managed resources of one plan file, parsed and normalised when constructed."""

    source: str
    resources: tuple[Resource, ...]
    name: str = ADAPTER_NAME
    skipped: tuple[Skipped, ...] = ()

    @classmethod
    def from_json(cls, data: bytes, source: str, collected_at: datetime) -> TerraformPlan:
        text = SourceText.from_bytes(data, source)
        if text.is_blank:
            raise InputError("empty file, not a Terraform plan", SourceLocation(source), _NOT_A_PLAN_HINT)
        return cls.from_document(text, parse_json(text), collected_at)

    @classmethod
    def from_document(cls, source: SourceText, document: Document, collected_at: datetime) -> TerraformPlan:
        plan = document.value
        location = SourceLocation(source.name, document.line)
        if not isinstance(plan, Mapping) or "format_version" not in plan:
            raise InputError("not a Terraform plan: no `format_version`", location, _NOT_A_PLAN_HINT)
        if not is_terraform_plan(plan):
            raise InputError(
                "not a Terraform plan: neither `planned_values` nor `resource_changes`",
                location,
                _NOT_A_PLAN_HINT,
            )
        builder = _ResourceBuilder(source, document, collected_at, _ProviderRegions(plan))
        references = PlanReferences(plan)
        return cls(source=source.name, resources=tuple(references.annotate(r) for r in builder.build(plan)))

    def collect(self) -> Iterator[Resource]:
        yield from self.resources


class _ResourceBuilder:
    """Joins planned values with changes and turns each managed resource into a `Resource`."""

    def __init__(
        self, source: SourceText, document: Document, collected_at: datetime, regions: _ProviderRegions
    ):
        self._source = source
        self._collected_at = collected_at
        self._regions = regions
        self._lines = _address_lines(source.text, document.member_spans)

    def build(self, plan: Mapping[str, Any]) -> Iterator[Resource]:
        changes = dict(self._managed_changes(plan.get("resource_changes")))
        seen: set[str] = set()
        planned = self._mapping(plan.get("planned_values") or {}, "planned_values")
        for entry in self._module_resources(planned.get("root_module") or {}, "planned_values.root_module"):
            address = self._text(entry, "address")
            if entry.get("mode", "managed") != "managed" or address in seen:
                continue
            seen.add(address)
            change = changes.get(address)
            action = self._action(change, address) if change is not None else None
            yield self._resource(entry, entry.get("values") or {}, action, unknown_paths(change))
        for address, change in changes.items():
            if address not in seen:
                details = self._mapping(change.get("change"), f"change of {address}")
                after = details.get("after")
                attributes = after if isinstance(after, Mapping) else details.get("before") or {}
                yield self._resource(change, attributes, self._action(change, address), unknown_paths(change))

    def _managed_changes(self, changes: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
        for index, change in enumerate(changes or []):
            entry = self._mapping(change, f"resource_changes[{index}]")
            if entry.get("mode", "managed") == "managed" and "deposed" not in entry:
                yield self._text(entry, "address"), entry

    def _module_resources(self, module: Any, where: str) -> Iterator[Mapping[str, Any]]:
        module = self._mapping(module, where)
        for index, entry in enumerate(module.get("resources") or []):
            yield self._mapping(entry, f"{where}.resources[{index}]")
        for index, child in enumerate(module.get("child_modules") or []):
            yield from self._module_resources(child, f"{where}.child_modules[{index}]")

    def _resource(
        self,
        entry: Mapping[str, Any],
        attributes: Any,
        action: str | None,
        unknown: tuple[AttributePath, ...] = (),
    ) -> Resource:
        address = self._text(entry, "address")
        attributes = self._mapping(attributes, f"values of {address}")
        line = self._lines.get(address)
        region = _resource_region(attributes) or self._regions.region_for(
            address, str(entry.get("provider_name", ""))
        )
        return Resource(
            id=f"terraform:{address}",
            kind=self._text(entry, "type", address),
            name=self._text(entry, "name", address),
            platform="terraform",
            attributes=attributes,
            provenance=Provenance(
                adapter=ADAPTER_NAME,
                source=self._source.name,
                source_digest=self._source.digest,
                collected_at=self._collected_at,
                line=line,
            ),
            labels=flatten_labels(
                *(attributes.get(key) for key in _LABEL_ATTRIBUTES), *_nested_labels(attributes)
            ),
            region=region,
            action=action,
            unknown=unknown,
        )

    def _action(self, change: Mapping[str, Any], address: str) -> str:
        actions = self._mapping(change.get("change"), f"change of {address}").get("actions")
        if isinstance(actions, list) and sorted(actions) == ["create", "delete"]:
            return "replace"
        if isinstance(actions, list) and len(actions) == 1 and isinstance(actions[0], str):
            return str(actions[0])
        raise InputError(
            f"resource {address}: unrecognised change actions {json.dumps(actions)}",
            SourceLocation(self._source.name, self._lines.get(address)),
        )

    def _mapping(self, value: Any, what: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise InputError(f"malformed plan: {what} is not an object", SourceLocation(self._source.name))
        return value

    def _text(self, entry: Mapping[str, Any], key: str, address: str | None = None) -> str:
        value = entry.get(key)
        if not isinstance(value, str) or not value:
            owner = f"resource {address}" if address else "a resource entry"
            raise InputError(
                f"malformed plan: {owner} has no `{key}`",
                SourceLocation(self._source.name, self._lines.get(address or "")),
            )
        return value


class _ProviderRegions:
    """Region of each provider configuration, and which configuration each resource uses."""

    def __init__(self, plan: Mapping[str, Any]):
        configuration = plan.get("configuration")
        configuration = configuration if isinstance(configuration, Mapping) else {}
        variables = plan.get("variables")
        self._variables = variables if isinstance(variables, Mapping) else {}
        self._regions: dict[tuple[tuple[str, ...], str], str] = {}
        self._config_keys: dict[str, str] = {}
        provider_config = configuration.get("provider_config")
        for key, entry in (provider_config if isinstance(provider_config, Mapping) else {}).items():
            if isinstance(entry, Mapping):
                modules, local_name = _split_provider_key(key)
                if isinstance(entry.get("module_address"), str):
                    modules = _module_names(entry["module_address"])
                region = self._constant_region(entry, at_root=not modules)
                if region:
                    self._regions[(modules, local_name)] = region
        self._index_resources(configuration.get("root_module"), "")

    def region_for(self, address: str, provider_name: str) -> str | None:
        config_address = _INSTANCE_KEY.sub("", address)
        key = self._config_keys.get(config_address)
        if key is not None:
            modules, local_name = _split_provider_key(key)
        else:
            modules, local_name = _module_names(config_address), provider_name.rsplit("/", 1)[-1]
        for depth in range(len(modules), -1, -1):
            region = self._regions.get((modules[:depth], local_name))
            if region:
                return region
        return None

    def _index_resources(self, module: Any, prefix: str) -> None:
        if not isinstance(module, Mapping):
            return
        for entry in module.get("resources") or []:
            if isinstance(entry, Mapping) and isinstance(entry.get("provider_config_key"), str):
                self._config_keys[f"{prefix}{entry.get('address')}"] = entry["provider_config_key"]
        calls = module.get("module_calls")
        for call_name, call in (calls if isinstance(calls, Mapping) else {}).items():
            if isinstance(call, Mapping):
                self._index_resources(call.get("module"), f"{prefix}module.{call_name}.")

    def _constant_region(self, provider: Mapping[str, Any], *, at_root: bool) -> str | None:
        expressions = provider.get("expressions")
        expression = expressions.get("region") if isinstance(expressions, Mapping) else None
        if not isinstance(expression, Mapping):
            return None
        if isinstance(expression.get("constant_value"), str):
            return str(expression["constant_value"])
        references = expression.get("references") or []
        if at_root and references and isinstance(references[0], str) and references[0].startswith("var."):
            variable = self._variables.get(references[0].removeprefix("var."))
            if isinstance(variable, Mapping) and isinstance(variable.get("value"), str):
                return str(variable["value"])
        return None


def _resource_region(attributes: Mapping[str, Any]) -> str | None:
    for key in _REGION_ATTRIBUTES:
        value = attributes.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _split_provider_key(key: str) -> tuple[tuple[str, ...], str]:
    """`module.a.module.b:aws.west` (or Terraform 0.12's `a.b:aws.west`) -> (("a", "b"), "aws.west")."""
    module_address, _, local_name = key.rpartition(":")
    if module_address.startswith("module."):
        return _module_names(module_address), local_name
    return tuple(name for name in module_address.split(".") if name), local_name


def _module_names(address: str) -> tuple[str, ...]:
    """The module path of a module or resource address, without instance keys."""
    parts = _INSTANCE_KEY.sub("", address).split(".")
    names: list[str] = []
    while len(parts) >= 2 and parts[0] == "module":
        names.append(parts[1])
        parts = parts[2:]
    return tuple(names)


def _address_lines(text: str, member_spans: Mapping[str, tuple[int, int]]) -> dict[str, int]:
    """1-based line of each address's first `"address": ...` in planned_values or resource_changes."""
    sections = [member_spans[key] for key in ("planned_values", "resource_changes") if key in member_spans]
    first_offsets: dict[str, int] = {}
    for start, end in sections:
        for match in _ADDRESS_MEMBER.finditer(text, start, end):
            try:
                address = json.loads(match.group(1))
            except ValueError:
                continue
            if match.start() < first_offsets.get(address, len(text)):
                first_offsets[address] = match.start()
    lines: dict[str, int] = {}
    line, position = 1, 0
    for address, offset in sorted(first_offsets.items(), key=lambda item: item[1]):
        line += text.count("\n", position, offset)
        position = offset
        lines[address] = line
    return lines
