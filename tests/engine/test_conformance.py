"""OPA's own conformance cases through the embedded engine, pinned to the reviewed baseline.

The cases in `tests/data/opa-conformance/v1` are OPA's test data, unchanged (see its README).
Each case runs in a fresh regorus engine set up as `EmbeddedRuntime` sets one up (v1 syntax, the
project's polyfills). The outcome of every case is compared with the baseline below: a new
failure and a new pass both fail, so an engine upgrade is reviewed rather than slipped in.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from gavel.engine.rego import POLYFILLS

CASES_ROOT = Path(__file__).parent.parent / "data" / "opa-conformance" / "v1"

# folder -> (pass, fail, error) for gordon-to-regorus 0.13.0.
BASELINE: dict[str, tuple[int, int, int]] = {
    "aggregates": (42, 0, 0),
    "defaultkeyword": (3, 0, 0),
    "elsekeyword": (1, 0, 0),
    "every": (35, 0, 0),
    "functions": (5, 0, 0),
    "globmatch": (2, 0, 0),
    "globsmatch": (0, 0, 1),
    "jsonbuiltins": (1, 0, 0),
    "negation": (4, 0, 0),
    "netcidrcontains": (2, 0, 0),
    "netcidrmerge": (1, 0, 16),
    "objectget": (11, 0, 0),
    "objectunion": (1, 0, 0),
    "partialobjectdoc": (1, 0, 0),
    "partialsetdoc": (1, 0, 0),
    "refheads": (13, 0, 0),
    "semvercompare": (1, 0, 0),
    "sprintf": (2, 0, 0),
    "strings": (22, 0, 2),
    "time": (3, 0, 0),
    "units": (45, 0, 0),
    "withkeyword": (32, 0, 7),
}

_MISSING_CIDR_MERGE = "var x is unsafe"  # net.cidr_merge is missing; the output-argument form hides it
_NOT_LENIENT = "expects string/array[string]/set[string] argument"  # OPA's non-strict mode: undefined
_BUILTIN_REPLACEMENT = "is unsafe"  # `with f as <built-in>`: a built-in cannot stand in for another

# Case id -> a fragment of the error regorus raises, and why it differs from OPA.
KNOWN_ERRORS: dict[str, str] = {
    "globsmatch/test-globsmatch-0865.yaml#0": "could not find function regex.globs_match",
    **{f"netcidrmerge/test-netcidrmerge0117.yaml#{index}": _MISSING_CIDR_MERGE for index in range(16)},
    "strings/test-anyprefixmatch.yaml#17": _NOT_LENIENT,
    "strings/test-anyprefixmatch.yaml#19": _NOT_LENIENT,
    # regorus resolves nested built-in mocks differently: the inner mock is not found.
    "withkeyword/test-with-builtin-mock.yaml#7": "undefined rule",
    # the mock calls the original `count`, which regorus then sees mocked again.
    "withkeyword/test-with-builtin-mock.yaml#13": "`count` requires array/object/set/string argument",
    "withkeyword/test-with-builtin-mock.yaml#24": _BUILTIN_REPLACEMENT,
    "withkeyword/test-with-builtin-mock.yaml#25": _BUILTIN_REPLACEMENT,
    "withkeyword/test-with-builtin-mock.yaml#26": _BUILTIN_REPLACEMENT,
    "withkeyword/test-with-function-mock.yaml#3": _BUILTIN_REPLACEMENT,
    "withkeyword/test-with-function-mock.yaml#4": _BUILTIN_REPLACEMENT,
}


@dataclass(frozen=True)
class Outcome:
    case_id: str
    folder: str
    status: str  # "pass", "fail", "error" or "skip"
    detail: str = ""


def _normalise(value: Any) -> Any:
    """JSON numbers compare by value: `1` and `1.0` are the same Rego number."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_normalise(item) for item in value]
    if isinstance(value, dict):
        return {key: _normalise(item) for key, item in value.items()}
    return value


def _row_multiset(rows: list[dict[str, Any]], sort_bindings: bool) -> Counter[str]:
    def prepare(value: Any) -> Any:
        value = _normalise(value)
        if sort_bindings and isinstance(value, list):
            return sorted(value, key=lambda item: json.dumps(item, sort_keys=True))
        return value

    return Counter(
        json.dumps({name: prepare(value) for name, value in row.items()}, sort_keys=True) for row in rows
    )


def _evaluate(case: dict[str, Any]) -> list[dict[str, Any]]:
    import regorus

    engine = regorus.Engine()
    for name, (arity, function) in POLYFILLS.items():
        engine.add_extension(name, arity, function)
    for index, module in enumerate(case.get("modules", [])):
        engine.add_policy(f"test-{index}.rego", module)
    if "data" in case:
        engine.add_data_json(json.dumps(case["data"]))
    if "input" in case:
        engine.set_input_json(json.dumps(case["input"]))
    elif "input_term" in case:
        engine.set_input_json(case["input_term"])  # every input_term in the sample is JSON
    result = json.loads(engine.eval_query_as_json(case["query"]))
    return [row["bindings"] for row in result.get("result", [])]


def run_case(case_id: str, folder: str, case: dict[str, Any]) -> Outcome:
    """One case, as OPA's test runner judges it; an expected error passes on any error."""
    if case.get("skip"):
        return Outcome(case_id, folder, "skip")
    wants_error = "want_error" in case or "want_error_code" in case
    try:
        rows = _evaluate(case)
    except RuntimeError as error:
        if wants_error:
            return Outcome(case_id, folder, "pass")
        return Outcome(case_id, folder, "error", str(error).strip().splitlines()[-1])
    if wants_error:
        return Outcome(case_id, folder, "fail", f"no error, got {rows}")
    if "want_defined" in case:
        passed = bool(rows) == bool(case["want_defined"])
        return Outcome(case_id, folder, "pass" if passed else "fail", f"got {rows}")
    sort_bindings = bool(case.get("sort_bindings"))
    expected = _row_multiset(case.get("want_result") or [], sort_bindings)
    actual = _row_multiset(rows, sort_bindings)
    return Outcome(case_id, folder, "pass" if actual == expected else "fail", f"got {rows}")


def run_tree(root: Path) -> list[Outcome]:
    outcomes = []
    for path in sorted(root.rglob("*.yaml")):
        folder = path.parent.relative_to(root).as_posix()
        for index, case in enumerate(yaml.safe_load(path.read_text())["cases"]):
            outcomes.append(run_case(f"{folder}/{path.name}#{index}", folder, case))
    return outcomes


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return run_tree(CASES_ROOT)


def test_the_sample_holds_all_254_cases_in_22_folders(outcomes: list[Outcome]) -> None:
    assert len(outcomes) == 254
    assert {outcome.folder for outcome in outcomes} == set(BASELINE)


@pytest.mark.parametrize("folder", sorted(BASELINE))
def test_folder_matches_the_baseline(outcomes: list[Outcome], folder: str) -> None:
    tally = Counter(outcome.status for outcome in outcomes if outcome.folder == folder)
    failures = [
        f"{o.case_id}: {o.status}: {o.detail}" for o in outcomes if o.folder == folder and o.status != "pass"
    ]
    assert (tally["pass"], tally["fail"], tally["error"]) == BASELINE[folder], failures


def test_totals_are_228_pass_and_26_errors(outcomes: list[Outcome]) -> None:
    tally = Counter(outcome.status for outcome in outcomes)
    assert tally == Counter({"pass": 228, "error": 26})


def test_exactly_the_known_cases_error_and_for_the_known_reason(outcomes: list[Outcome]) -> None:
    errors = {outcome.case_id: outcome.detail for outcome in outcomes if outcome.status == "error"}
    assert set(errors) == set(KNOWN_ERRORS)
    for case_id, fragment in KNOWN_ERRORS.items():
        assert fragment in errors[case_id], (case_id, errors[case_id])


def test_a_wrong_expectation_is_reported_as_a_failure() -> None:
    case = {"query": "x = 1 + 1", "modules": [], "want_result": [{"x": 3}]}
    assert run_case("probe#0", "probe", case).status == "fail"
    assert run_case("probe#0", "probe", {**case, "want_result": [{"x": 2}]}).status == "pass"


def test_bindings_compare_as_multisets_and_sorted_on_request() -> None:
    case = {"query": "x = [2, 1]", "modules": [], "want_result": [{"x": [1, 2]}]}
    assert run_case("probe#0", "probe", case).status == "fail"
    assert run_case("probe#0", "probe", {**case, "sort_bindings": True}).status == "pass"
    rows = {"query": "x = [1, 1][_]", "modules": [], "want_result": [{"x": 1}]}
    assert run_case("probe#0", "probe", rows).status == "fail"
    assert run_case("probe#0", "probe", {**rows, "want_result": [{"x": 1}, {"x": 1}]}).status == "pass"
