"""The embedded runtime and the OPA-API runtime give the same answer to every question."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gavel.engine.rego import RegoBundle

ParityCheck = Callable[[RegoBundle, Sequence[tuple[str, Mapping[str, Any]]]], list[str]]
Inputs = dict[str, tuple[str, dict[str, Any]]]

RULES = {
    "terraform.gcp": [
        "deny",
        "warn",
        "accelerators",
        "label_keys",
        "kms_keyed",
        "size_limit_bytes",
        "missing",
    ],
    "kubernetes.pods": ["deny", "warn", "allowed", "containers_without_limits", "missing"],
}


def test_every_rule_on_every_input_answers_the_same(
    parity: ParityCheck, runtime_bundle: RegoBundle, runtime_inputs: Inputs
) -> None:
    queries = [
        (f"{package}.{rule}", document)
        for package, document in runtime_inputs.values()
        for rule in RULES[package]
    ]
    assert len(queries) == 3 * 5 + 2 * 7
    assert parity(runtime_bundle, queries) == []


def test_errors_and_undefined_answer_the_same(parity: ParityCheck) -> None:
    bundle = RegoBundle(
        modules={"p.rego": "package p\n\nsize := units.parse_bytes(input.size)\n\nmaybe if input.flag\n"},
        data={},
    )
    queries = [
        ("p.size", {"size": "lots"}),
        ("p.size", {"size": "1KiB"}),
        ("p.maybe", {}),
        ("p.maybe", {"flag": 1}),
    ]
    assert parity(bundle, queries) == []


def test_the_bundle_decides_something_on_every_input(
    parity: ParityCheck, runtime_bundle: RegoBundle, runtime_inputs: Inputs
) -> None:
    """Parity over empty answers would prove nothing: the inputs do trip the policies."""
    from gavel.engine.rego import EmbeddedRuntime

    runtime = EmbeddedRuntime()
    runtime.load(runtime_bundle)
    findings = {
        name: len(runtime.query(f"{package}.deny", document)[1])
        + len(runtime.query(f"{package}.warn", document)[1])
        for name, (package, document) in runtime_inputs.items()
    }
    assert findings == {
        "admission.deployment-privileged-containers.json": 2,
        "admission.no-privileged-containers.json": 3,
        "admission.privileged-container.json": 4,
        "tfplan.full-compute-instance.json": 3,
        "tfplan.full-storage-bucket.json": 1,
    }
