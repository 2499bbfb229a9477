"""Deterministic JSON for what gavel signs, and a strict parser for what it verifies.

Security never rests on canonical form (the exact bytes are signed and stored), but output that is
the same for the same input is diffable and reproducible. Floats are refused on the way out, and
duplicate keys on the way in: both are known sources of "one signature, two documents".
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from .errors import MalformedRecordError

# orjson writes exactly what `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
# writes for JSON's own types, several times faster; datetimes and dataclasses, which it would
# serialise on its own, are passed on so they are refused as the standard library refuses them.
_ORJSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS

_SCALARS = frozenset({str, int, bool, type(None)})


def canonical_bytes(document: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8; raises `ValueError` on a float anywhere in `document`."""
    if _has_float(document):
        _refuse_floats(document, "$")
    try:
        return orjson.dumps(document, option=_ORJSON_OPTIONS)
    except TypeError:  # integers past 64 bits, non-string keys: the standard library encodes or refuses
        return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _has_float(document: Any) -> bool:
    """A path-free scan: every record passes through here, and almost none holds a float.

    Exact-type checks settle the common values (strings, above all) before any `isinstance`.
    """
    pending = [document]
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind in _SCALARS:
            continue
        if kind is dict or isinstance(value, dict):
            pending.extend(value.values())
        elif kind is list or isinstance(value, list | tuple):
            pending.extend(value)
        elif isinstance(value, float):
            return True
    return False


def _refuse_floats(value: Any, path: str) -> None:
    """Raise naming the first float's path; only walked once `_has_float` found one."""
    if isinstance(value, float):
        raise ValueError(f"{path}: floats are not allowed in signed evidence (use a string)")
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_floats(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for position, item in enumerate(value):
            _refuse_floats(item, f"{path}[{position}]")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise MalformedRecordError(f"duplicate JSON key {key!r}")
        document[key] = value
    return document


def _reject_constant(name: str) -> Any:
    raise MalformedRecordError(f"non-standard JSON constant {name}")


def strict_loads(data: bytes) -> Any:
    """Parse JSON bytes, refusing duplicate keys, NaN/Infinity and invalid UTF-8."""
    try:
        text = data.decode("utf-8")
        return json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)
    except UnicodeDecodeError as error:
        raise MalformedRecordError(f"not UTF-8: {error.reason}") from error
    except json.JSONDecodeError as error:
        raise MalformedRecordError(
            f"not JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from error
