"""Loading policy folders: metadata, ids, Conftest folders, data, and every way they can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from gavel.engine.errors import PolicyError
from gavel.engine.loader import deep_merge, load_policy_set
from gavel.engine.models import Regulation, Severity


def test_loads_metadata_from_the_rego_annotation(data_dir: Path) -> None:
    policy_set = load_policy_set([data_dir / "engine" / "policies"])
    policy = policy_set.get("bucket_encrypted")
    assert policy.package == "gavel.storage.bucket_encrypted"
    assert policy.metadata.severity is Severity.HIGH
    assert policy.metadata.version == "1.2.0"
    assert policy.metadata.regulations == (
        Regulation("GDPR", "Art. 32(1)(a)"),
        Regulation("NIST-800-53", "SC-28"),
    )
    assert policy.metadata.resource_kinds == ("aws_s3_bucket",)
    assert "sse_algorithm" in policy.metadata.remediation


def test_user_folder_data_is_visible_and_builtin_lib_is_always_loaded(data_dir: Path) -> None:
    policy_set = load_policy_set([data_dir / "engine" / "policies"])
    assert policy_set.data["test_regions"]["allowed"] == ["eu-west-1", "eu-central-1"]
    assert "risk" in policy_set.data, "built-in reference data is always present"
    assert not any(p.id == "s3_sse" for p in policy_set.policies)
    assert [t.rule for t in policy_set.tests] == ["test_unencrypted_denied", "test_encrypted_allowed"]


def test_data_file_overrides_deep_merge(data_dir: Path, tmp_path: Path) -> None:
    override = tmp_path / "mine.yaml"
    override.write_text("test_regions:\n  allowed: [us-east-1]\n")
    policy_set = load_policy_set([data_dir / "engine" / "policies"], [override])
    assert policy_set.data["test_regions"]["allowed"] == ["us-east-1"]
    assert deep_merge({"a": {"b": 1, "c": 2}}, {"a": {"c": 3}}) == {"a": {"b": 1, "c": 3}}


def test_conftest_folder_becomes_one_policy_per_rule(data_dir: Path) -> None:
    policy_set = load_policy_set([data_dir / "engine" / "conftest"])
    by_id = {p.id: p for p in policy_set.policies}
    assert set(by_id) == {"main/deny", "main/warn_latest"}
    assert by_id["main/deny"].metadata.severity is Severity.HIGH
    assert by_id["main/warn_latest"].metadata.severity is Severity.LOW
    assert all(p.conftest for p in by_id.values())
    assert any(path.endswith("deployment.rego") for path in policy_set.rego_v0_modules)


def test_id_folder_and_package_must_agree(data_dir: Path) -> None:
    with pytest.raises(PolicyError, match="must agree") as raised:
        load_policy_set([data_dir / "engine" / "bad_meta"])
    assert "mismatched_name" in raised.value.one_line()


def test_missing_folder_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="does not exist"):
        load_policy_set([tmp_path / "nowhere"])


def test_invalid_metadata_names_the_field(tmp_path: Path) -> None:
    folder = tmp_path / "d" / "loose"
    folder.mkdir(parents=True)
    (folder / "policy.rego").write_text(
        "# METADATA\n# title: A policy with a bad severity\n# custom:\n#   id: loose\n#   severity: severe\n"
        "#   regulations: [{framework: GDPR, article: Art. 5}]\n#   resource_kinds: [x]\n"
        "#   remediation: Choose a severity.\npackage gavel.d.loose\n"
    )
    with pytest.raises(PolicyError, match="severity") as raised:
        load_policy_set([tmp_path])
    assert raised.value.location is not None
    assert raised.value.location.file.endswith("policy.rego")
    assert raised.value.location.line == 1


def test_unknown_metadata_key_is_rejected(tmp_path: Path) -> None:
    folder = tmp_path / "d" / "typo"
    folder.mkdir(parents=True)
    (folder / "policy.rego").write_text(
        "# METADATA\n# title: Typo in the regulations key\n# custom:\n#   id: typo\n#   severity: low\n"
        "#   regulation: [{framework: GDPR, article: Art. 5}]\n#   resource_kinds: [x]\n"
        "#   remediation: Fix the key name.\npackage gavel.d.typo\n"
    )
    with pytest.raises(PolicyError, match="regulation"):
        load_policy_set([tmp_path])


def test_duplicate_policy_ids_are_rejected(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "other" / "bucket_encrypted"
    copy.mkdir(parents=True)
    source = data_dir / "engine" / "policies" / "storage" / "bucket_encrypted" / "policy.rego"
    (copy / "policy.rego").write_text(source.read_text().replace("gavel.storage.", "gavel.other."))
    with pytest.raises(PolicyError, match="defined twice"):
        load_policy_set([data_dir / "engine" / "policies", tmp_path])


def test_digest_changes_with_any_module_or_data(data_dir: Path, tmp_path: Path) -> None:
    base = load_policy_set([data_dir / "engine" / "policies"])
    assert base.digest() == load_policy_set([data_dir / "engine" / "policies"]).digest()
    override = tmp_path / "o.yaml"
    override.write_text("test_regions: {allowed: []}\n")
    assert base.digest() != load_policy_set([data_dir / "engine" / "policies"], [override]).digest()
    assert base.digest().startswith("sha256:")


def test_the_dispatch_package_is_reserved(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "sneaky.rego").write_text(
        "package gavel_dispatch\n\nimport rego.v1\n\ndeny contains 1 if true\n"
    )
    with pytest.raises(PolicyError, match="reserved") as raised:
        load_policy_set([tmp_path])
    assert raised.value.one_line().startswith(f"{folder / 'sneaky.rego'}:1:1: ")
