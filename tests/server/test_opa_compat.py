"""The OPA-compatible server answers in OPA's REST API shapes, over a real socket."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner

from gavel.commands.pipeline import load_policies
from gavel.commands.serve import command as serve_command
from gavel.commands.serve import served_bundle
from gavel.engine.errors import PolicyError
from gavel.engine.rego import RegoBundle
from gavel.server.opa_compat import OpaCompatServer

POLICY = """package app.authz

default allow := false

allow if input.user in data.app.admins

deny contains {"msg": sprintf("%s may not %s", [input.user, input.action])} if not allow

size := units.parse_bytes(input.size)
"""


@pytest.fixture
def client(opa_server: OpaCompatServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=opa_server.url, timeout=5) as http:
        yield http


@pytest.fixture
def loaded(client: httpx.Client) -> httpx.Client:
    assert client.put("/v1/policies/authz.rego", content=POLICY).status_code == 200
    assert client.put("/v1/data/app/admins", json=["alice"]).status_code == 204
    return client


def test_health_is_an_empty_object(client: httpx.Client) -> None:
    response = client.get("/health")
    assert (response.status_code, response.json()) == (200, {})


def test_a_policy_is_stored_listed_and_returned_with_its_package(client: httpx.Client) -> None:
    put = client.put("/v1/policies/team/authz.rego", content=POLICY)
    assert (put.status_code, put.json()) == (200, {})
    got = client.get("/v1/policies/team/authz.rego").json()["result"]
    assert got["id"] == "team/authz.rego"
    assert got["raw"] == POLICY
    assert [part["value"] for part in got["ast"]["package"]["path"]] == ["data", "app", "authz"]
    assert [policy["id"] for policy in client.get("/v1/policies").json()["result"]] == ["team/authz.rego"]


def test_a_syntax_error_is_rejected_in_opas_error_shape(client: httpx.Client) -> None:
    response = client.put(
        "/v1/policies/bad.rego", content="package bad\n\nallow if {\n\tcount(input.x) >\n}\n"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_parameter",
        "message": "error(s) occurred while compiling module(s)",
        "errors": [
            {
                "code": "rego_compile_error",
                "message": "expecting expression",
                "location": {"file": "bad.rego", "row": 5, "col": 1},
            }
        ],
    }
    assert client.get("/v1/policies").json() == {"result": []}


def test_an_unsafe_variable_is_a_compile_error_too(client: httpx.Client) -> None:
    response = client.put("/v1/policies/u.rego", content="package u\n\nallow if x > 1\n")
    assert response.status_code == 400
    assert response.json()["errors"][0]["location"] == {"file": "u.rego", "row": 3, "col": 10}


def test_data_api_answers_result_or_empty_object(loaded: httpx.Client) -> None:
    assert loaded.post("/v1/data/app/authz/allow", json={"input": {"user": "alice"}}).json() == {
        "result": True
    }
    assert loaded.post("/v1/data/app/authz/allow", json={"input": {"user": "bob"}}).json() == {
        "result": False
    }
    assert loaded.post("/v1/data/app/authz/deny", json={"input": {"user": "bob", "action": "rm"}}).json() == {
        "result": [{"msg": "bob may not rm"}]
    }
    assert loaded.post("/v1/data/app/authz/size", json={"input": {}}).json() == {}
    assert loaded.post("/v1/data/app/authz/nothing", json={"input": {}}).json() == {}
    assert loaded.get("/v1/data/app/admins").json() == {"result": ["alice"]}


def test_an_evaluation_error_is_a_500_with_its_location(loaded: httpx.Client) -> None:
    response = loaded.post("/v1/data/app/authz/size", json={"input": {"size": "lots"}})
    assert response.status_code == 500
    assert response.json() == {
        "code": "internal_error",
        "message": "error(s) occurred while evaluating query",
        "errors": [
            {
                "code": "eval_error",
                "message": "could not parse number",
                "location": {"file": "authz.rego", "row": 9, "col": 26},
            }
        ],
    }


def test_data_can_be_replaced_patched_and_deleted(loaded: httpx.Client) -> None:
    assert (
        loaded.put("/v1/data", json={"app": {"admins": ["carol"]}, "limits": {"cpu": 2}}).status_code == 204
    )
    assert loaded.post("/v1/data/app/authz/allow", json={"input": {"user": "carol"}}).json() == {
        "result": True
    }
    patch = [
        {"op": "replace", "path": "/cpu", "value": 4},
        {"op": "add", "path": "/memory", "value": "8Gi"},
    ]
    assert loaded.patch("/v1/data/limits", json=patch).status_code == 204
    assert loaded.get("/v1/data/limits").json() == {"result": {"cpu": 4, "memory": "8Gi"}}
    assert loaded.patch("/v1/data/limits", json=[{"op": "remove", "path": "/cpu"}]).status_code == 204
    assert loaded.delete("/v1/data/limits/memory").status_code == 204
    assert loaded.get("/v1/data/limits").json() == {"result": {}}
    missing = loaded.delete("/v1/data/limits/memory")
    assert missing.status_code == 404
    assert missing.json()["code"] == "resource_not_found"


def test_a_deleted_policy_is_not_found_afterwards(loaded: httpx.Client) -> None:
    assert loaded.delete("/v1/policies/authz.rego").json() == {}
    response = loaded.get("/v1/policies/authz.rego")
    assert response.status_code == 404
    assert response.json() == {
        "code": "resource_not_found",
        "message": 'storage_not_found_error: policy id "authz.rego"',
    }
    assert loaded.post("/v1/data/app/authz/allow", json={"input": {"user": "alice"}}).json() == {}


@pytest.mark.parametrize(
    ("method", "path", "body", "fragment"),
    [
        ("PUT", "/v1/data/x", b"{not json", "request body is not JSON"),
        ("PUT", "/v1/data", b"[1, 2]", "root data document must be an object"),
        ("PATCH", "/v1/data/x", b'[{"op": "move", "path": "/a"}]', "bad patch operation: move"),
        ("POST", "/v1/data/app/bad-name", b"{}", "is not a Rego identifier"),
        ("POST", "/v1/data", b"{}", "not the root document"),
    ],
)
def test_bad_requests_are_400_invalid_parameter(
    client: httpx.Client, method: str, path: str, body: bytes, fragment: str
) -> None:
    response = client.request(method, path, content=body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"
    assert fragment in response.json()["message"]


def test_provenance_names_the_engine(client: httpx.Client) -> None:
    provenance = client.post("/v1/data/x?provenance=true", json={}).json()["provenance"]
    assert "regorus-0.13.0" in provenance["version"]


def test_concurrent_requests_from_many_threads_are_all_answered(
    loaded: httpx.Client, opa_server: OpaCompatServer
) -> None:
    """The engine is bound to one thread; requests arriving on several connections at once still
    all reach it (a use from another thread would panic and answer 500)."""
    answers: list[object] = []

    def ask(user: str) -> None:
        with httpx.Client(base_url=opa_server.url, timeout=10) as own:
            for _ in range(20):
                answers.append(own.post("/v1/data/app/authz/allow", json={"input": {"user": user}}).json())

    threads = [threading.Thread(target=ask, args=(user,)) for user in ("alice", "bob") * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers.count({"result": True}) == 80
    assert answers.count({"result": False}) == 80


def test_opa_python_client_works_against_it(opa_server: OpaCompatServer) -> None:
    from opa_client import OpaClient

    port = int(opa_server.url.rsplit(":", 1)[1])
    with OpaClient(host="127.0.0.1", port=port, retries=0) as opa:
        assert opa.check_health()
        assert opa.check_connection()
        assert opa.update_policy_from_string(POLICY, "authz", rego_compat=False)
        assert opa.get_policies_list() == ["authz"]
        assert opa.update_or_create_data({"admins": ["dave"]}, "app")
        assert opa.get_data("app/admins") == {"result": ["dave"]}
        assert opa.patch_data("app", [{"op": "add", "path": "/admins", "value": ["erin"]}])
        assert opa.query_rule({"user": "erin"}, "app.authz", "allow") == {"result": True}
        assert opa.delete_data("app")
        assert opa.delete_policy("authz")
        assert opa.get_policies_list() == []


def test_a_preloaded_bundle_is_served_and_a_bad_one_fails_before_listening() -> None:
    bundle = RegoBundle(modules={"authz.rego": POLICY}, data={"app": {"admins": ["alice"]}})
    with OpaCompatServer("127.0.0.1", 0, bundle) as server:
        answer = httpx.post(f"{server.url}/v1/data/app/authz/allow", json={"input": {"user": "alice"}})
        assert answer.json() == {"result": True}
    with pytest.raises(PolicyError, match=re.escape("broken.rego:1")):
        OpaCompatServer("127.0.0.1", 0, RegoBundle(modules={"broken.rego": "package"}, data={}))


def test_serve_requires_the_opa_compatible_flag_and_explains_it() -> None:
    runner = CliRunner()
    refused = runner.invoke(serve_command, ["--port", "0"])
    assert refused.exit_code != 0
    assert "--opa-compatible" in str(refused.exception)
    help_text = runner.invoke(serve_command, ["--help"]).output
    assert "OPA's Data API over the embedded runtime" in help_text
    assert "sidecar" in help_text


def test_the_served_library_reads_its_data_where_its_policies_look_for_it() -> None:
    policy_set = load_policies((), ())
    with OpaCompatServer("127.0.0.1", 0, served_bundle(policy_set)) as server:
        regions = httpx.get(f"{server.url}/v1/data/gavel/data/regions").json()
        assert regions == {"result": policy_set.data["regions"]}
        assert httpx.get(f"{server.url}/v1/data/regions").json() == {}
