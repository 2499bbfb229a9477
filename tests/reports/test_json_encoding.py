"""The fast JSON encoder of the reports writes what `json.dumps(indent=2)` wrote before it."""

from __future__ import annotations

import json
from collections import OrderedDict
from types import MappingProxyType
from typing import Any

from gavel.reports.json_encoding import pretty_json, with_sorted_keys

DOCUMENT: dict[str, Any] = {
    "schema_version": "1",
    "summary": {"resources": 3, "risk": 18841.0, "passed": False, "max_risk": None, "reasons": []},
    "findings": [
        {
            "message": 'aws_s3_bucket.données: region "us-east-1" is in US, outside the EEA — résumé',
            "details": {"actual": ["aws:kms", None], "expected": {}, "ports": [22, 3389]},
            "waived": False,
        }
    ],
    "empty": {},
    "control": "tab\tand \x1f unit separator",
}


def test_the_bytes_are_those_json_dumps_writes() -> None:
    expected = json.dumps(DOCUMENT, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    assert pretty_json(DOCUMENT) == expected


def test_what_orjson_refuses_is_written_by_json() -> None:
    document = {"big": 2**70, "nested": {1: "int key"}}
    written = pretty_json(document)
    assert written == json.dumps(document, indent=2, ensure_ascii=False).encode() + b"\n"
    assert json.loads(written) == {"big": 2**70, "nested": {"1": "int key"}}


def test_keys_are_sorted_at_every_level_and_mappings_become_plain() -> None:
    value = MappingProxyType({"b": [{"z": 1, "a": (2, 3)}], "a": OrderedDict(y=1, x=2)})
    sorted_value = with_sorted_keys(value)
    assert sorted_value == {"a": {"x": 2, "y": 1}, "b": [{"a": [2, 3], "z": 1}]}
    assert list(sorted_value) == ["a", "b"]
    assert list(sorted_value["a"]) == ["x", "y"]
    assert json.dumps(sorted_value) == json.dumps(value, sort_keys=True, default=dict)


def test_keys_that_are_not_strings_sort_as_json_would() -> None:
    value = {2: "b", 10: "a"}
    assert with_sorted_keys(value) == json.loads(json.dumps(value, sort_keys=True))
