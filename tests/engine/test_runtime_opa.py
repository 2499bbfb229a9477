"""`OpaServerRuntime` against a real OPA-API server on loopback (gavel's OPA-compatible server)."""

from __future__ import annotations

import re
import socket

import pytest
import requests

from gavel.engine.errors import PolicyError, RuntimeUnavailableError, UsageError
from gavel.engine.opa_runtime import OpaServerRuntime
from gavel.engine.rego import EvaluationError, RegoBundle

POLICY = """package app

default allow := false

allow if input.user == "alice"

deny contains {"msg": sprintf("%s is not allowed", [input.user])} if not allow

size := units.parse_bytes(input.size)
"""


def _policy_ids(url: str) -> list[str]:
    return sorted(policy["id"] for policy in requests.get(f"{url}/v1/policies", timeout=5).json()["result"])


def test_defined_false_and_undefined_answers(opa_compat_url: str) -> None:
    runtime = OpaServerRuntime(opa_compat_url, timeout=5)
    runtime.load(RegoBundle(modules={"app.rego": POLICY}, data={"limits": {"max": 3}}))
    assert runtime.query("app.allow", {"user": "alice"}) == (True, True)
    assert runtime.query("app.allow", {"user": "bob"}) == (True, False)
    assert runtime.query("app.deny", {"user": "bob"}) == (True, [{"msg": "bob is not allowed"}])
    assert runtime.query("app.deny", {"user": "alice"}) == (True, [])
    assert runtime.query("app.size", {}) == (False, None)
    assert runtime.query("app.no_such_rule", {}) == (False, None)
    assert runtime.query("limits.max", {}) == (True, 3)


def test_an_evaluation_error_is_raised_with_its_location(opa_compat_url: str) -> None:
    runtime = OpaServerRuntime(opa_compat_url, timeout=5)
    runtime.load(RegoBundle(modules={"policies/app.rego": POLICY}, data={}))
    with pytest.raises(EvaluationError) as raised:
        runtime.query("app.size", {"size": "lots"})
    assert raised.value.one_line() == "policies/app.rego:9:26: could not parse number"


def test_a_compile_error_names_file_line_and_column(opa_compat_url: str) -> None:
    runtime = OpaServerRuntime(opa_compat_url, timeout=5)
    broken = "package broken\n\nallow if {\n\tcount(input.roles) >\n}\n"
    with pytest.raises(PolicyError) as raised:
        runtime.load(RegoBundle(modules={"policies/broken.rego": broken}, data={}))
    assert not isinstance(raised.value, EvaluationError | RuntimeUnavailableError)
    assert raised.value.one_line() == "policies/broken.rego:5:1: Rego error: expecting expression"


def test_a_reload_replaces_modules_and_deletes_stale_ones_but_not_foreign_ones(opa_compat_url: str) -> None:
    requests.put(f"{opa_compat_url}/v1/policies/team/own.rego", data="package team\n\nx := 1\n", timeout=5)
    runtime = OpaServerRuntime(opa_compat_url, timeout=5)
    runtime.load(
        RegoBundle(modules={"a.rego": "package a\n\nv := 1\n", "b.rego": "package b\n\nv := 1\n"}, data={})
    )
    assert _policy_ids(opa_compat_url) == ["gavel/a.rego", "gavel/b.rego", "team/own.rego"]

    runtime.load(RegoBundle(modules={"a.rego": "package a\n\nv := 2\n"}, data={"d": 1}))
    assert _policy_ids(opa_compat_url) == ["gavel/a.rego", "team/own.rego"]
    assert runtime.query("a.v", {}) == (True, 2)
    assert runtime.query("b.v", {}) == (False, None)
    assert runtime.query("d", {}) == (True, 1)
    assert runtime.query("team.x", {}) == (True, 1)


def test_a_renamed_module_keeping_its_default_rule_loads(opa_compat_url: str) -> None:
    runtime = OpaServerRuntime(opa_compat_url, timeout=5)
    module = "package p\n\ndefault allow := false\n\nallow if input.ok\n"
    runtime.load(RegoBundle(modules={"old.rego": module}, data={}))
    runtime.load(RegoBundle(modules={"new.rego": module}, data={}))
    assert _policy_ids(opa_compat_url) == ["gavel/new.rego"]
    assert runtime.query("p.allow", {"ok": True}) == (True, True)


def test_version_comes_from_the_servers_provenance(opa_compat_url: str) -> None:
    reported = OpaServerRuntime(opa_compat_url, timeout=5).version()
    assert reported.startswith("opa-server gavel-")
    assert "regorus-0.13.0" in reported
    assert reported.endswith(f"({opa_compat_url})")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_server_that_is_down_is_unavailable_naming_its_url() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    runtime = OpaServerRuntime(url, timeout=2)
    with pytest.raises(RuntimeUnavailableError, match=f"OPA server at {url} cannot be reached"):
        runtime.load(RegoBundle(modules={}, data={}))
    with pytest.raises(RuntimeUnavailableError, match=url):
        runtime.query("app.allow", {})
    with pytest.raises(RuntimeUnavailableError):
        runtime.version()


def test_a_url_with_a_path_or_another_scheme_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        OpaServerRuntime("http://127.0.0.1:8181/v1", timeout=1)
    with pytest.raises(UsageError):
        OpaServerRuntime("ftp://127.0.0.1:8181", timeout=1)


def test_rego_v0_modules_are_refused_before_anything_is_sent(opa_compat_url: str) -> None:
    runtime = OpaServerRuntime(opa_compat_url, timeout=5)
    bundle = RegoBundle(
        modules={"old.rego": "package old\n\ndeny[m] { m := 1 }\n"},
        data={},
        rego_v0_modules=frozenset({"old.rego"}),
    )
    with pytest.raises(PolicyError, match=re.escape("v0: old.rego")):
        runtime.load(bundle)
    assert _policy_ids(opa_compat_url) == []
