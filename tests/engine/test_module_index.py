"""What evaluation leaves out of the runtime: result rules no module defines, modules no one reaches.

Leaving out too much would silently drop findings, so every case where a rule or a module could
still be reached is checked to be kept, and decisions with and without the pruning are compared.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from gavel.adapters.detect import collect_paths
from gavel.engine.estate import build_estate
from gavel.engine.evaluate import build_dispatch, evaluate
from gavel.engine.loader import load_policy_set
from gavel.engine.module_index import ModuleIndex
from gavel.engine.rego import EmbeddedRuntime

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

MODULES = {
    "a/policy.rego": "package gavel.domain.a\nimport rego.v1\ndeny contains 1 if input.x\n",
    "b/policy.rego": "package gavel.domain.b\nimport rego.v1\n"
    "deny contains 1 if input.x\nwarn contains 2 if input.y\n",
    "b/more.rego": "package gavel.domain.b\nimport rego.v1\nhelper := 3\n",
    "c/policy.rego": "package gavel.other\nimport rego.v1\nc.warn contains 1 if input.x\n",
    "d/policy.rego": "package gavel.domain.d.warn\nimport rego.v1\nx := 1\n",
    "lib/used.rego": "package gavel.lib.used\nimport rego.v1\nf(x) := x\n",
    "lib/chain.rego": "package gavel.lib.chain\nimport rego.v1\n"
    "import data.gavel.lib.used\ng(x) := used.f(x)\n",
    "lib/unused.rego": "package gavel.lib.unused\nimport rego.v1\nh(x) := x\n",
    "e/policy.rego": "package gavel.domain.e\nimport rego.v1\nimport data.gavel.lib.chain\n"
    "deny contains chain.g(1) if input.x\n",
    "f/policy.rego": "package gavel.domain.f\nimport rego.v1\ndeny contains 1 if input.x\n",
    "g/policy.rego": "package gavel.domain.g\nimport rego.v1\n# reads data.gavel.domain.f.deny\n"
    "deny contains 1 if data.gavel.domain.f.deny[_]\n",
}


def test_a_result_rule_is_asked_only_where_a_module_can_define_it() -> None:
    index = ModuleIndex(MODULES)
    assert index.may_define("gavel.domain.a", "deny")
    assert not index.may_define("gavel.domain.a", "warn")
    # defined in a second module of the package
    assert index.may_define("gavel.domain.b", "warn")
    # a rule head in an enclosing package (`c.warn` in package gavel.other)
    assert index.may_define("gavel.other.c", "warn")
    # a package below the rule's path makes it a document, which is still asked
    assert index.may_define("gavel.domain.d", "warn")
    assert not index.may_define("gavel.nowhere", "deny")


def test_idle_policies_and_unimported_helpers_are_left_out() -> None:
    index = ModuleIndex(MODULES)
    idle = {"gavel.domain.a", "gavel.domain.f", "gavel.domain.e"}
    kept = index.needed(MODULES, idle)
    # a is idle and named nowhere else; e is idle, so the helpers only it imports go too
    assert "a/policy.rego" not in kept
    assert "e/policy.rego" not in kept
    assert {"lib/chain.rego", "lib/used.rego", "lib/unused.rego"}.isdisjoint(kept)
    # f is idle but g (kept) reads it; every module of a kept package stays
    assert {"f/policy.rego", "g/policy.rego", "b/policy.rego", "b/more.rego"} <= set(kept)


def test_helpers_imported_through_other_helpers_are_kept() -> None:
    kept = ModuleIndex(MODULES).needed(MODULES, {"gavel.domain.a"})
    assert {"e/policy.rego", "lib/chain.rego", "lib/used.rego"} <= set(kept)
    assert "lib/unused.rego" not in kept


def test_the_dispatch_does_not_ask_for_rules_no_module_defines() -> None:
    library = load_policy_set()
    index = ModuleIndex(library.modules)
    module = build_dispatch(library.policies, ["aws_s3_bucket"], index).module
    assert "data.gavel.network_exposure.s3_public_acl.deny" in module
    assert "data.gavel.network_exposure.s3_public_acl.warn" not in module
    assert '"warn": []' in module
    assert "data.gavel.encryption_at_rest.s3_bucket_sse.warn" in module


def test_the_library_decides_the_same_with_every_module_loaded() -> None:
    library = load_policy_set()
    paths = [REPO / "examples" / "ml-platform", REPO / "tests" / "data" / "adapters" / "terraform-plan"]
    estate = build_estate(collect_paths(paths, collected_at=NOW).resources)
    pruned = evaluate(library, estate, EmbeddedRuntime(), now=NOW)

    # One more module naming every policy keeps every module loaded: the decisions must not move.
    mention = "package gavel.mentions\nimport rego.v1\n# " + " ".join(p.id for p in library.policies) + "\n"
    everything = dataclasses.replace(library, modules={**library.modules, "mentions.rego": mention})
    full = evaluate(everything, estate, EmbeddedRuntime(), now=NOW)

    def comparable(decision):  # type: ignore[no-untyped-def]
        return sorted((f.policy_id, f.resource.id, f.outcome.value, f.message) for f in decision.findings)

    assert pruned.findings
    assert comparable(pruned) == comparable(full)
