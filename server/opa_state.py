"""The state behind the OPA-compatible API: policies by id, the data document, and the engine.

OPA's REST API mutates policies and data one request at a time; the embedded runtime compiles a
whole bundle. This store keeps both halves and recompiles on every change, committing a change
only when the result compiles, as OPA rejects a module that does not. It is not thread-safe by
design: the server calls it from one dedicated thread, the thread that owns the regorus engine.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from ..engine.errors import InputError
from ..engine.rego import EmbeddedRuntime, RegoBundle

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PACKAGE = re.compile(r"^\s*package\s+([A-Za-z_][\w.]*)", re.MULTILINE)


class ResourceNotFoundError(InputError):
    """A policy id or data path the server does not hold (OPA's `resource_not_found`)."""


def split_path(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment]


def package_of(text: str) -> list[str]:
    found = _PACKAGE.search(text)
    return found.group(1).split(".") if found else []


class PolicyStore:
    """Policies and data as OPA's Policy and Data APIs see them, evaluated by regorus."""

    def __init__(self, bundle: RegoBundle | None = None) -> None:
        self._policies: dict[str, str] = {}
        self._data: dict[str, Any] = {}
        self._runtime = EmbeddedRuntime()
        # A preloaded v0 module stays v0 until replaced; modules arriving over the API are v1, as in OPA 1.x.
        self._v0_modules = bundle.rego_v0_modules if bundle else frozenset()
        self._commit(dict(bundle.modules) if bundle else {}, dict(bundle.data) if bundle else {})

    def policies(self) -> Mapping[str, str]:
        return dict(self._policies)

    def policy(self, policy_id: str) -> str:
        if policy_id not in self._policies:
            raise ResourceNotFoundError(f'storage_not_found_error: policy id "{policy_id}"')
        return self._policies[policy_id]

    def put_policy(self, policy_id: str, text: str) -> None:
        self._commit({**self._policies, policy_id: text}, self._data, self._v0_modules - {policy_id})

    def delete_policy(self, policy_id: str) -> None:
        self.policy(policy_id)
        self._commit({key: text for key, text in self._policies.items() if key != policy_id}, self._data)

    def put_data(self, path: list[str], value: Any) -> None:
        if not path:
            if not isinstance(value, dict):
                raise InputError("the root data document must be an object")
            self._commit(self._policies, value)
            return
        data = copy.deepcopy(self._data)
        parent = data
        for segment in path[:-1]:
            child = parent.setdefault(segment, {})
            if not isinstance(child, dict):
                raise InputError(f"cannot write below /{'/'.join(path[:-1])}: it is not an object")
            parent = child
        parent[path[-1]] = value
        self._commit(self._policies, data)

    def patch_data(self, path: list[str], operations: Any) -> None:
        """JSON Patch (`add`, `remove`, `replace`) relative to `path`, applied all or nothing."""
        if not isinstance(operations, list):
            raise InputError("a data patch must be a JSON array of operations")
        data = copy.deepcopy(self._data)
        for operation in operations:
            if not isinstance(operation, dict):
                raise InputError("every patch operation must be an object")
            _apply(data, path + split_path(str(operation.get("path", ""))), operation)
        self._commit(self._policies, data)

    def delete_data(self, path: list[str]) -> None:
        data = copy.deepcopy(self._data)
        _apply(data, path, {"op": "remove"})
        self._commit(self._policies, data)

    def evaluate(self, path: list[str], input_document: Mapping[str, Any]) -> tuple[bool, Any]:
        """`data.<path>` for an input; path segments must be Rego identifiers."""
        if not path:
            raise InputError("query a package, rule or data path below /v1/data, not the root document")
        for segment in path:
            if not _IDENTIFIER.match(segment):
                raise InputError(f"path segment {segment!r} is not a Rego identifier")
        return self._runtime.query(".".join(path), input_document)

    def _commit(
        self, policies: Mapping[str, str], data: dict[str, Any], v0_modules: frozenset[str] | None = None
    ) -> None:
        v0 = (self._v0_modules if v0_modules is None else v0_modules) & policies.keys()
        runtime = EmbeddedRuntime()
        runtime.load(RegoBundle(modules=policies, data=data, rego_v0_modules=frozenset(v0)))
        self._policies, self._data, self._runtime, self._v0_modules = dict(policies), data, runtime, v0


def _apply(data: dict[str, Any], path: list[str], operation: Mapping[str, Any]) -> None:
    kind = operation.get("op")
    if kind not in ("add", "remove", "replace"):
        raise InputError(f"bad patch operation: {kind}")
    if not path:
        raise InputError("a patch cannot remove or replace the root document")
    parent: Any = data
    for segment in path[:-1]:
        if not isinstance(parent, dict) or segment not in parent:
            raise ResourceNotFoundError(f"storage_not_found_error: /{'/'.join(path)}: document missing")
        parent = parent[segment]
    key = path[-1]
    if not isinstance(parent, dict):
        raise InputError(f"bad patch path: /{'/'.join(path)}")
    if kind != "add" and key not in parent:
        raise ResourceNotFoundError(f"storage_not_found_error: /{'/'.join(path)}: document missing")
    if kind == "remove":
        del parent[key]
    else:
        parent[key] = operation.get("value")
