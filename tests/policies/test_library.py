"""The built-in library as a whole: every policy's samples through the real adapters and engine,
the folder contract, and identical decisions from the embedded runtime and an OPA-API runtime."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gavel.adapters.detect import collect_paths
from gavel.commands.policy import sample_results
from gavel.engine.estate import build_estate
from gavel.engine.evaluate import evaluate
from gavel.engine.loader import PolicySet, builtin_library, load_policy_set
from gavel.engine.models import Decision
from gavel.engine.opa_runtime import OpaServerRuntime
from gavel.engine.rego import EmbeddedRuntime
from gavel.server.opa_compat import OpaCompatServer

LIBRARY = load_policy_set()
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("policy", [p for p in LIBRARY.policies if not p.conftest], ids=lambda p: p.id)
def test_samples_are_judged_as_labelled(policy) -> None:  # type: ignore[no-untyped-def]
    results = sample_results(LIBRARY, policy)
    assert [r.name for r in results if not r.passed] == [], [r.detail for r in results if not r.passed]
    assert {"allowed", "denied"} <= {r.name.split(": ")[1].split()[0] for r in results}


def test_every_policy_follows_the_folder_contract() -> None:
    assert len(LIBRARY.policies) >= 20
    for policy in LIBRARY.policies:
        assert policy.folder.parent.parent == builtin_library(), policy.id
        assert policy.package == f"gavel.{policy.folder.parent.name}.{policy.id}"
        assert (policy.folder / "policy_test.rego").is_file(), policy.id
        assert policy.metadata.regulations, policy.id
        assert policy.metadata.remediation, policy.id


@pytest.fixture(scope="module")
def opa_url() -> Iterator[str]:
    with OpaCompatServer("127.0.0.1", 0) as server:
        yield server.url


def _comparable(decision: Decision) -> list[tuple[str, str, str, str]]:
    return sorted((f.policy_id, f.resource.id, f.outcome.value, f.message) for f in decision.findings)


def _estates() -> Iterator[tuple[str, list[Path]]]:
    yield "example", [REPO / "examples" / "ml-platform"]
    yield "corpus-terraform", [REPO / "tests" / "data" / "adapters" / "terraform-plan"]
    yield "corpus-kubernetes", [REPO / "tests" / "data" / "adapters" / "kubernetes"]
    samples = sorted(
        p for p in builtin_library().rglob("samples/*/*") if p.suffix in (".json", ".yaml", ".yml")
    )
    yield "samples", samples


@pytest.mark.parametrize(("name", "paths"), list(_estates()), ids=lambda v: v if isinstance(v, str) else "")
def test_both_runtimes_give_the_same_decisions(name: str, paths: list[Path], opa_url: str) -> None:
    policy_set: PolicySet = LIBRARY
    estate = build_estate(collect_paths(paths, collected_at=NOW).resources)
    embedded = evaluate(policy_set, estate, EmbeddedRuntime(), now=NOW)
    served = evaluate(policy_set, estate, OpaServerRuntime(opa_url, timeout=30), now=NOW)
    assert embedded.findings, f"the {name} estate should exercise the library"
    assert _comparable(served) == _comparable(embedded)
    assert (served.risk, served.passed) == (embedded.risk, embedded.passed)
