"""Fixtures for runtime tests: an OPA-compatible server on loopback, the runtime bundle, and a
parity check that asks the embedded runtime and an OPA-API runtime the same questions."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from gavel.engine.opa_runtime import OpaServerRuntime
from gavel.engine.rego import EmbeddedRuntime, RegoBundle
from gavel.server.opa_compat import OpaCompatServer

RUNTIME_DATA = Path(__file__).parent.parent / "data" / "runtime"

Query = tuple[str, Mapping[str, Any]]
ParityCheck = Callable[[RegoBundle, Sequence[Query]], list[str]]


@pytest.fixture
def opa_compat_url() -> Iterator[str]:
    """A fresh OPA-compatible server on a free loopback port; it listens before this returns."""
    with OpaCompatServer("127.0.0.1", 0) as server:
        yield server.url


@pytest.fixture
def runtime_bundle() -> RegoBundle:
    policies = RUNTIME_DATA / "policies"
    modules = {
        path.relative_to(policies).as_posix(): path.read_text() for path in sorted(policies.rglob("*.rego"))
    }
    return RegoBundle(modules=modules, data=json.loads((RUNTIME_DATA / "data.json").read_text()))


@pytest.fixture
def runtime_inputs() -> dict[str, tuple[str, dict[str, Any]]]:
    """Input file name -> (package it is for, input document)."""
    found = {}
    for path in sorted((RUNTIME_DATA / "inputs").glob("*.json")):
        document = json.loads(path.read_text())
        if path.name.startswith("tfplan."):
            found[path.name] = ("terraform.gcp", {"plan": document})
        else:
            found[path.name] = ("kubernetes.pods", {"request": document})
    return found


def _answer(runtime: EmbeddedRuntime | OpaServerRuntime, path: str, input_document: Mapping[str, Any]) -> Any:
    """A comparable answer: sets come back as arrays in either order, errors by their message."""
    try:
        defined, value = runtime.query(path, input_document)
    except Exception as error:  # an error is an answer too, and must match
        return ("error", type(error).__name__, str(error))
    if isinstance(value, list):
        value = sorted(value, key=lambda item: json.dumps(item, sort_keys=True))
    return (defined, value)


@pytest.fixture
def parity(opa_compat_url: str) -> ParityCheck:
    """Load a bundle into both runtimes and list every query whose answers differ."""

    def check(bundle: RegoBundle, queries: Sequence[Query]) -> list[str]:
        embedded = EmbeddedRuntime()
        embedded.load(bundle)
        remote = OpaServerRuntime(opa_compat_url, timeout=10)
        remote.load(bundle)
        differences = []
        for path, input_document in queries:
            local, served = _answer(embedded, path, input_document), _answer(remote, path, input_document)
            if local != served:
                differences.append(f"{path}: embedded {local!r} != OPA API {served!r}")
        return differences

    return check
