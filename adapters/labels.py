"""Flattening tags and labels into the `str -> str` map every resource carries.

Sources disagree on shape: Terraform tags are maps whose values may be null or non-strings,
some AWS resources list tags as `{key, value}` blocks, and YAML turns `version: 1.0` into a float.
Policies compare strings, so every value is rendered the way it reads in JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any


def flatten_labels(*sources: Any) -> dict[str, str]:
    """Merge label maps left to right (later wins); null values are dropped."""
    labels: dict[str, str] = {}
    for source in sources:
        for key, value in _pairs(source):
            if value is not None:
                labels[str(key)] = _as_string(value)
    return labels


def _pairs(source: Any) -> Iterable[tuple[Any, Any]]:
    if isinstance(source, Mapping):
        return source.items()
    if isinstance(source, list):
        return [
            (block["key"], block.get("value"))
            for block in source
            if isinstance(block, Mapping) and "key" in block
        ]
    return ()


def _as_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
