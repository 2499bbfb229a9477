"""Pretty-printed JSON for the report formats, encoded fast.

A run with thousands of findings makes a report of several MiB; Python's `json.dumps` with
`indent` falls back to its pure-Python encoder and spends longer on it than the whole Rego
evaluation of some plans. orjson writes the same bytes (two-space indent, `": "` after keys,
UTF-8 rather than escapes, `[]` and `{}` for empty containers) in a fraction of the time. The only
difference is the spelling of a float with a negative exponent (`1.5e-7` where `json` writes
`1.5e-07`), the same number to any reader.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson


def pretty_json(document: Any) -> bytes:
    """`document` indented by two spaces, UTF-8, with a final newline.

    What orjson refuses (an integer beyond 64 bits, a key that is not a string) is written by
    `json` instead, so every document a report builds can be written.
    """
    try:
        return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def with_sorted_keys(value: Any) -> Any:
    """Free-form data (policy details, waiver selectors) as plain JSON values with every
    object's keys sorted, for stable output.

    Objects keyed by strings only (all that Rego and YAML mappings give in practice) are sorted
    here; anything else takes `json`'s round trip, which also turns other keys into strings.
    Every finding's details pass through here, so the common types are tested first: a check
    against `Mapping`, an abstract class, costs several times one against `dict`.
    """
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list | tuple):
        return [with_sorted_keys(item) for item in value]
    if isinstance(value, (dict, Mapping)):
        if all(isinstance(key, str) for key in value):
            return {key: with_sorted_keys(value[key]) for key in sorted(value)}
        return json.loads(json.dumps(value, sort_keys=True))
    return value


_SCALARS = (str, int, float, type(None))
