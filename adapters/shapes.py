"""Tolerant reads of parsed JSON and YAML: a value of the wrong shape reads as empty.

Identity keys and links are best-effort facts drawn from documents an adapter has already
validated as a whole; a field of an unexpected shape simply yields no key, instead of an error
for a document the policies can still judge.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def mappings(value: Any) -> list[Mapping[str, Any]]:
    """The objects of a list, skipping anything else."""
    return [item for item in items(value) if isinstance(item, Mapping)]
