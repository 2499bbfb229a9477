"""Runs every Rego unit test of the built-in policy library directly on regorus.

Each `test_*` rule of each `*_test.rego` under `policies/` is one pytest case, named after its
package and rule, so a failing Rego test is reported by name. All library modules and the
shipped `policies/data/*.yaml` documents (as `data.gavel.data.<name>`) are loaded, as the
engine loads them.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import regorus
import yaml

os.environ["RUST_BACKTRACE"] = "0"

LIBRARY = Path(__file__).resolve().parents[2] / "policies"
_PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)
_TEST_RULE = re.compile(r"^(test_\w+)\s+(?:if\b|\{|:?=)", re.MULTILINE)


def _test_cases() -> list[tuple[str, str]]:
    cases: list[tuple[str, str]] = []
    for path in sorted(LIBRARY.rglob("*_test.rego")):
        text = path.read_text(encoding="utf-8")
        package = _PACKAGE.search(text)
        assert package, f"{path}: no package line"
        cases.extend((package.group(1), rule) for rule in dict.fromkeys(_TEST_RULE.findall(text)))
    return cases


@cache
def _engine() -> Any:
    engine = regorus.Engine()
    for path in sorted(LIBRARY.rglob("*.rego")):
        engine.add_policy(str(path.relative_to(LIBRARY)), path.read_text(encoding="utf-8"))
    data_files = sorted((LIBRARY / "data").glob("*.yaml"))
    documents = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in data_files}
    engine.add_data_json(json.dumps({"gavel": {"data": documents, "estate": {"resources": {}}}}))
    return engine


CASES = _test_cases()


def test_library_has_rego_tests() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize(("package", "rule"), CASES, ids=[f"{p}.{r}" for p, r in CASES])
def test_rego_rule_is_true(package: str, rule: str) -> None:
    engine = _engine()
    engine.set_input_json("{}")
    result = json.loads(engine.eval_query_as_json(f"x = data.{package}.{rule}"))
    rows = result.get("result", [])
    assert rows, f"{package}.{rule} is undefined (a condition failed)"
    assert rows[0]["bindings"]["x"] is True, f"{package}.{rule} = {rows[0]['bindings']['x']!r}"
