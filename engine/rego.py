"""The one door to Rego: a small runtime protocol and the embedded regorus implementation.

Nothing else in gavel talks to a Rego engine. Both runtimes answer the same question the same
way: "what is `data.<path>` for this input?", as `(defined, value)`. Undefined is never turned
into a value by truthiness (regorus' `"<undefined>"` string is a trap), and an evaluation error
is raised as `EvaluationError` so the caller can fail closed.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from .errors import PolicyError, SourceLocation

# regorus appends a native backtrace to every message when this is set; users need the Rego error.
os.environ["RUST_BACKTRACE"] = "0"

_LOCATION = re.compile(r"-->\s*(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+)")
_ERROR_LINE = re.compile(r"^error:\s*(?P<msg>.+)$", re.MULTILINE)
# What regorus' eval_rule answers for an undefined rule (a value, not an error), and its error for
# a path that names a package or a document rather than a rule.
_UNDEFINED_MARKER = "<undefined>"
_NOT_A_RULE = "not a valid rule path"


class EvaluationError(PolicyError):
    """A policy raised while being evaluated (a failing built-in, a conflict): never a pass."""


@dataclass(frozen=True)
class RegoBundle:
    """What a runtime evaluates: Rego modules by file name, and the base data document."""

    modules: Mapping[str, str]
    data: Mapping[str, Any]
    rego_v0_modules: frozenset[str] = frozenset()


class RegoRuntime(Protocol):
    """A Rego evaluator; `load` once per bundle, then `query` many times."""

    name: str

    def version(self) -> str:
        """Engine and version, recorded with every decision (e.g. `regorus 0.13.0`)."""
        ...

    def load(self, bundle: RegoBundle) -> None:
        """Compile the bundle, replacing anything loaded before; `PolicyError` names file:line:col."""
        ...

    def query(self, path: str, input_document: Mapping[str, Any]) -> tuple[bool, Any]:
        """Evaluate `data.<path>` (dotted, without `data.`) for an input: `(defined, value)`."""
        ...


def location_of(message: str) -> tuple[SourceLocation | None, str]:
    """Split a regorus error into the source location it names and its one-line reason."""
    found = _LOCATION.search(message)
    reason_match = _ERROR_LINE.search(message)
    if reason_match:
        reason = reason_match.group("msg").strip()
    else:
        lines = message.strip().splitlines()
        reason = lines[-1] if lines else "unknown error"
    if not found:
        return None, reason
    location = SourceLocation(found.group("file"), int(found.group("line")), int(found.group("col")))
    return location, reason


def to_json(value: Any) -> str:
    """JSON text of an input or data document for regorus, through orjson: the estate document
    of a large plan is several MiB, and every resource's input is encoded once per run.

    What orjson refuses (an integer beyond 64 bits, a key that is not a string) goes through
    `json`, which writes it exactly.
    """
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


def from_json(text: str) -> Any:
    """A runtime's JSON answer, through orjson (an answer is decoded for every resource judged).
    What orjson refuses (`NaN`, `Infinity`) goes through `json`, which is more lenient."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _sha256_hex(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


# OPA built-ins regorus leaves out by design, filled in with the same semantics as OPA's.
POLYFILLS: Mapping[str, tuple[int, Any]] = {
    "crypto.sha256": (1, _sha256_hex),
}


class SharedData(dict[str, Any]):
    """A data document loaded into several runtimes, one per group of resource kinds.

    Parsing a large estate document is most of a load (about a second for the 50 MiB of
    benchmarks/estate_bench.py). The embedded runtime parses a `SharedData` once per thread,
    keeps that engine here, and gives every runtime loading the document a clone of it, which
    shares the parsed data instead of copying it. Kept on the document, the parsed copy lives
    exactly as long as the document does. Engines are thread-affine, hence one per thread.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parsed = threading.local()


def _engine_holding(data: Mapping[str, Any]) -> Any:
    """A regorus engine with the polyfills and `data` loaded, ready for a bundle's modules."""
    import regorus

    if isinstance(data, SharedData):
        if not hasattr(data.parsed, "engine"):
            data.parsed.engine = _engine_holding(dict(data))
        return data.parsed.engine.clone()
    engine = regorus.Engine()
    for name, (arity, function) in POLYFILLS.items():
        engine.add_extension(name, arity, function)
    engine.add_data_json(to_json(data))
    return engine


class EmbeddedRuntime:
    """In-process Rego through regorus. Not thread-safe: one instance per thread or process."""

    name = "embedded"

    def __init__(self) -> None:
        self._engine: Any = None

    def version(self) -> str:
        from importlib.metadata import version

        return f"regorus {version('gordon-to-regorus')}"

    def load(self, bundle: RegoBundle) -> None:
        engine = _engine_holding(bundle.data)
        for path, text in bundle.modules.items():
            engine.set_rego_v0(path in bundle.rego_v0_modules)
            try:
                engine.add_policy(path, text)
            except RuntimeError as error:
                location, reason = location_of(str(error))
                raise PolicyError(f"Rego error: {reason}", location or SourceLocation(path)) from None
        engine.set_rego_v0(False)
        try:
            # regorus compiles lazily, on the first query: force it so unsafe variables and
            # similar compile errors are load errors here, as the OPA server reports them.
            engine.eval_query_as_json("true")
        except RuntimeError as error:
            location, reason = location_of(str(error))
            raise PolicyError(f"Rego error: {reason}", location) from None
        self._engine = engine

    def query(self, path: str, input_document: Mapping[str, Any]) -> tuple[bool, Any]:
        if self._engine is None:
            raise PolicyError("no policy bundle loaded into the embedded runtime")
        self._engine.set_input_json(to_json(input_document))
        # eval_rule is several times cheaper than a query once a large library is loaded; its
        # undefined marker and its refusal of paths that are not rules are settled by a query.
        try:
            raw = self._engine.eval_rule_as_json(f"data.{path}")
        except RuntimeError as error:
            if _NOT_A_RULE in str(error):
                return self._query(path)
            location, reason = location_of(str(error))
            raise EvaluationError(reason, location) from None
        value = from_json(raw)
        if value == _UNDEFINED_MARKER:
            return self._query(path)
        return True, value

    def _query(self, path: str) -> tuple[bool, Any]:
        """The exact answer through a full query (`x = data.<path>`), for the input already set."""
        try:
            raw = self._engine.eval_query_as_json(f"x = data.{path}")
        except RuntimeError as error:
            location, reason = location_of(str(error))
            raise EvaluationError(reason, location) from None
        rows = from_json(raw).get("result", [])
        if not rows:
            return False, None
        return True, rows[0]["bindings"]["x"]
