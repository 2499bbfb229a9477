"""Inputs and data reach the embedded runtime as the same JSON whichever encoder writes them."""

from __future__ import annotations

import json

from gavel.engine.rego import EmbeddedRuntime, RegoBundle, from_json, to_json

POLICY = (
    "package p\nimport rego.v1\nname := input.name\nkeys := object.keys(input.m)\nlimit := data.d.limit\n"
)


def test_documents_orjson_refuses_are_written_by_json() -> None:
    document = {"big": 2**70, "by_number": {1: "one"}}
    assert json.loads(to_json(document)) == {"big": 2**70, "by_number": {"1": "one"}}


def test_plain_documents_round_trip() -> None:
    document = {"name": "données ✓", "nested": [1, 2.5, None, True, {"k": []}]}
    assert json.loads(to_json(document)) == document


def test_the_runtime_reads_inputs_and_data_through_either_encoder() -> None:
    runtime = EmbeddedRuntime()
    runtime.load(RegoBundle(modules={"p.rego": POLICY}, data={"d": {"limit": 7}, "ids": {3: "x"}}))
    assert runtime.query("p.name", {"name": "données ✓"}) == (True, "données ✓")
    assert runtime.query("p.keys", {"m": {1: "a", "b": 2}}) == (True, ["1", "b"])
    assert runtime.query("p.limit", {}) == (True, 7)


def test_answers_are_read_as_json_reads_them() -> None:
    runtime = EmbeddedRuntime()
    numbers = "package n\nsmall := 9007199254740993\nhuge := 123456789012345678901234567890\n"
    runtime.load(RegoBundle(modules={"n.rego": numbers}, data={}))
    assert runtime.query("n.small", {}) == (True, 9007199254740993)
    assert runtime.query("n.huge", {}) == (True, json.loads("123456789012345678901234567890.0"))
    for text in ('{"a": [1, 2.5, "é", null]}', "NaN", "[Infinity]"):
        assert repr(from_json(text)) == repr(json.loads(text))
