"""`gavel bundle build`: an OPA bundle that follows OPA's bundle format (manifest schema, roots) and
that an OPA-API server, loaded with its contents over the Policy and Data APIs, evaluates exactly
as the embedded runtime does."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from gavel.adapters.detect import collect_paths
from gavel.cli import cli
from gavel.engine.bundle import (
    ENTRYPOINT_RULE,
    OpaBundle,
    build_bundle,
    check_bundle,
    read_bundle,
    write_bundle,
)
from gavel.engine.errors import PolicyError
from gavel.engine.estate import build_estate
from gavel.engine.evaluate import evaluate
from gavel.engine.loader import BUILTIN_LIBRARY, load_policy_set
from gavel.engine.opa_runtime import OpaServerRuntime
from gavel.engine.rego import EmbeddedRuntime, RegoBundle

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
MANIFEST_SCHEMA = DATA / "engine" / "opa-bundle" / "manifest.schema.json"
PLANS = DATA / "adapters" / "terraform-plan" / "regula" / "rules" / "tf"
ESTATE_SOURCES = [
    ROOT / "examples" / "ml-platform" / "terraform" / "plan.json",
    ROOT / "examples" / "ml-platform" / "kubernetes",
    PLANS / "aws" / "s3" / "inputs" / "bucket_sse_infra.json",
    PLANS / "aws" / "ebs" / "inputs" / "volume_encrypted_infra.json",
    PLANS / "aws" / "kms" / "inputs" / "key_rotation_infra.json",
    PLANS / "azurerm" / "storage" / "inputs" / "account_secure_transfer_infra.json",
    PLANS / "google" / "kms" / "inputs" / "cryptokey_rotate_infra.json",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, OpaBundle]:
    out = tmp_path_factory.mktemp("bundle") / "bundle.tar.gz"
    write_bundle(build_bundle(load_policy_set([BUILTIN_LIBRARY])), out)
    return out, read_bundle(out)


def _within(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root + "/") for root in roots)


def test_manifest_follows_opas_published_schema(built: tuple[Path, OpaBundle]) -> None:
    _, bundle = built
    jsonschema.Draft202012Validator(json.loads(MANIFEST_SCHEMA.read_text())).validate(bundle.manifest)
    assert bundle.manifest["rego_version"] == 1
    assert bundle.manifest["revision"] == load_policy_set([BUILTIN_LIBRARY]).digest()


def test_roots_cover_every_package_and_data_file_but_leave_the_estate_writable(
    built: tuple[Path, OpaBundle],
) -> None:
    path, bundle = built
    roots = bundle.manifest["roots"]
    check_bundle(bundle)
    assert not _within("gavel/estate", roots)
    assert "gavel/lib" in roots and "gavel/data" in roots and "gavel/entrypoint" in roots
    with tarfile.open(path) as archive:
        names = archive.getnames()
    assert ".manifest" in names
    assert not [n for n in names if n.endswith("_test.rego")]
    assert "gavel/encryption_at_rest/s3_bucket_sse/policy.rego" in names
    assert "gavel/data/regions/data.json" in names
    assert bundle.data()["gavel"]["data"]["encryption"]["max_key_rotation_days"] == 365


def test_check_bundle_refuses_packages_and_data_outside_the_roots() -> None:
    module = {"team/policy.rego": "package team.policy\n\nimport rego.v1\n\nallow := true\n"}
    with pytest.raises(
        PolicyError, match=r"team/policy\.rego: package team/policy is outside the bundle roots"
    ):
        check_bundle(OpaBundle({"revision": "1", "roots": ["gavel"]}, module, {}))
    with pytest.raises(PolicyError, match=r"data at /other is outside the bundle roots"):
        check_bundle(OpaBundle({"revision": "1", "roots": ["gavel"]}, {}, {"other/data.json": {}}))
    check_bundle(OpaBundle({"revision": "1"}, module, {"other/data.json": {}}))


def test_the_tarball_is_reproducible_and_user_data_lands_in_it(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("encryption:\n  max_key_rotation_days: 90\n")
    policy_set = load_policy_set([BUILTIN_LIBRARY], [overrides])
    first, second = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    write_bundle(build_bundle(policy_set, revision="r1"), first)
    write_bundle(build_bundle(policy_set, revision="r1"), second)
    assert first.read_bytes() == second.read_bytes()
    assert read_bundle(first).data()["gavel"]["data"]["encryption"]["max_key_rotation_days"] == 90


def test_rego_v0_modules_are_refused(data_dir: Path) -> None:
    gatekeeper = load_policy_set([data_dir / "gatekeeper-library" / "general" / "allowedrepos"])
    assert gatekeeper.rego_v0_modules
    with pytest.raises(PolicyError, match=r"an OPA bundle takes Rego v1 modules only; v0: .*K8sAllowedRepos"):
        build_bundle(gatekeeper)


def test_cli_writes_the_bundle_with_the_given_revision(tmp_path: Path) -> None:
    out = tmp_path / "dist" / "bundle.tar.gz"
    result = CliRunner().invoke(cli, ["bundle", "build", "--out", str(out), "--revision", "v2026.11"])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output and "revision v2026.11" in result.output
    assert read_bundle(out).manifest["revision"] == "v2026.11"
    broken = CliRunner().invoke(
        cli, ["bundle", "build", "--out", str(out), "--policies", str(tmp_path / "nope")]
    )
    assert broken.exit_code == 3 and "policy folder does not exist" in broken.output


def _entrypoint_results(runtime: OpaServerRuntime, document: dict[str, Any]) -> set[tuple[str, str, str]]:
    defined, value = runtime.query(f"gavel.entrypoint.{ENTRYPOINT_RULE}", {"resource": document})
    assert defined
    outcome = {"deny": "violation", "warn": "warning"}
    return {
        (policy_id, outcome[rule], entry["msg"])
        for policy_id, rules in value.items()
        for rule, entries in rules.items()
        for entry in entries
    }


def test_an_opa_api_server_loaded_with_the_bundle_decides_as_the_embedded_runtime(
    built: tuple[Path, OpaBundle], opa_compat_url: str, now: Any
) -> None:
    _, bundle = built
    estate = build_estate(collect_paths(ESTATE_SOURCES, collected_at=now).resources)
    policy_set = load_policy_set([BUILTIN_LIBRARY])
    embedded = evaluate(policy_set, estate, EmbeddedRuntime(), now=now)
    expected: dict[str, set[tuple[str, str, str]]] = {rid: set() for rid in estate.resources}
    for finding in embedded.findings:
        assert finding.outcome.value != "error", finding.message
        expected[finding.resource.id].add((finding.policy_id, finding.outcome.value, finding.message))

    server = OpaServerRuntime(opa_compat_url, timeout=30)
    data = bundle.data()
    data["gavel"]["estate"] = estate.to_document()
    server.load(RegoBundle(modules=dict(bundle.modules), data=data))
    served = {rid: _entrypoint_results(server, estate.input_document(rid)) for rid in estate.resources}

    assert served == expected
    assert sum(len(v) for v in expected.values()) > 20
    kinds_with_findings = {estate.resources[rid].kind for rid, found in expected.items() if found}
    assert {"aws_s3_bucket", "aws_ebs_volume", "aws_kms_key"} <= kinds_with_findings
