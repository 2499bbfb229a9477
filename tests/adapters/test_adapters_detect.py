"""Input-kind detection and the command line's entry point over files and folders."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gavel.adapters.detect import collect_paths, detect_kind, input_files
from gavel.adapters.registry import input_kind_names
from gavel.adapters.sources import parse_documents, read_source
from gavel.engine.errors import InputError, UsageError

DATA = Path(__file__).parents[1] / "data" / "adapters"
PLANS = sorted((DATA / "terraform-plan").rglob("*.json"))
MANIFESTS = sorted(p for p in (DATA / "kubernetes").rglob("*") if p.suffix in {".yaml", ".yml"})
GUESTBOOK = DATA / "kubernetes/kubernetes-examples/web/guestbook/all-in-one/guestbook-all-in-one.yaml"
KMS_PLAN = DATA / "terraform-plan/regula/rules/tf/aws/kms/inputs/key_rotation_infra.json"
COLLECTED_AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
NOT_RECOGNISED = "not a Terraform plan or Kubernetes manifest"


@pytest.mark.parametrize(("paths", "kind"), [(PLANS, "terraform-plan"), (MANIFESTS, "kubernetes")])
def test_every_corpus_document_is_detected(paths: list[Path], kind: str) -> None:
    for path in paths:
        assert detect_kind(path, parse_documents(read_source(path))) == kind, path


def test_detection_from_text() -> None:
    assert detect_kind(Path("plan.json"), KMS_PLAN.read_text()) == "terraform-plan"
    assert detect_kind(Path("all.yaml"), GUESTBOOK.read_text()) == "kubernetes"
    assert detect_kind(Path("package.json"), '{"name": "web", "version": "1.0.0"}') is None
    assert detect_kind(Path("state.json"), '{"format_version": "1.0", "values": {}}') is None


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """A folder as a repository holds them: plans and manifests among other files."""
    shutil.copy(KMS_PLAN, tmp_path / "kms.tfplan.json")
    (tmp_path / "k8s" / "web").mkdir(parents=True)
    shutil.copy(GUESTBOOK, tmp_path / "k8s" / "web" / "guestbook.yaml")
    shutil.copy(DATA / "crafted" / "list.guestbook.yaml", tmp_path / "k8s" / "list.yml")
    (tmp_path / ".github").mkdir()
    shutil.copy(GUESTBOOK, tmp_path / ".github" / "hidden.yaml")
    shutil.copy(GUESTBOOK, tmp_path / ".hidden.yaml")
    (tmp_path / "package.json").write_text('{"name": "web", "version": "1.0.0"}\n')
    (tmp_path / "empty.yaml").write_text("\n")
    (tmp_path / "README.md").write_text("# not an input\n")
    return tmp_path


def test_folders_are_walked_in_sorted_order_without_hidden_entries(estate: Path) -> None:
    assert [p.relative_to(estate).as_posix() for p in input_files([estate])] == [
        "empty.yaml",
        "kms.tfplan.json",
        "package.json",
        "k8s/list.yml",
        "k8s/web/guestbook.yaml",
    ]


def test_collect_paths_gathers_every_kind_and_reports_what_it_skipped(estate: Path) -> None:
    collection = collect_paths([estate], collected_at=COLLECTED_AT)
    ids = [resource.id for resource in collection.resources]
    assert ids[:3] == [
        "terraform:aws_kms_key.blank-invalid",
        "terraform:aws_kms_key.invalid",
        "terraform:aws_kms_key.valid",
    ]
    assert ids[3:5] == [
        "kubernetes:guestbook/Service/redis-master",
        "kubernetes:guestbook/Deployment/frontend",
    ]
    assert len(ids) == 3 + 2 + 6
    assert [(Path(s.source).name, s.reason, s.line) for s in collection.skipped] == [
        ("empty.yaml", "empty file", None),
        ("package.json", NOT_RECOGNISED, None),
        ("list.yml", "document is a string, not a Kubernetes object", 49),
    ]
    assert collect_paths([estate], collected_at=COLLECTED_AT) == collection


def test_strict_turns_the_first_unrecognised_file_into_an_error(estate: Path) -> None:
    with pytest.raises(InputError, match=rf"^{estate / 'empty.yaml'}: empty file$"):
        collect_paths([estate], strict=True, collected_at=COLLECTED_AT)
    (estate / "empty.yaml").unlink()
    with pytest.raises(InputError, match=rf"^{estate / 'package.json'}: {NOT_RECOGNISED}$"):
        collect_paths([estate], strict=True, collected_at=COLLECTED_AT)


def test_comment_only_yaml_has_no_documents(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text("# nothing here yet\n---\n")
    (skipped,) = collect_paths([tmp_path], collected_at=COLLECTED_AT).skipped
    assert skipped.reason == "no documents (only comments or empty documents)"


def test_a_named_file_is_read_whatever_its_suffix(tmp_path: Path) -> None:
    plan = tmp_path / "plan.out"
    shutil.copy(KMS_PLAN, plan)
    assert list(input_files([plan])) == [plan]
    collection = collect_paths([plan], collected_at=COLLECTED_AT)
    assert [resource.kind for resource in collection.resources] == ["aws_kms_key"] * 3


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=rf"^{tmp_path / 'absent'}: no such file or folder$") as raised:
        collect_paths([tmp_path / "absent"], collected_at=COLLECTED_AT)
    assert raised.value.exit_code == 4


def test_malformed_file_in_a_folder_is_an_error_even_without_strict(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"format_version": "1.0",\n  "planned_values": }\n')
    with pytest.raises(InputError, match=r"broken.json:2:21: invalid JSON: Expecting value$"):
        collect_paths([tmp_path], collected_at=COLLECTED_AT)


def test_input_kind_forces_the_adapter() -> None:
    with pytest.raises(
        InputError, match=r"guestbook-all-in-one.yaml: a Terraform plan is one JSON document, found 6"
    ):
        collect_paths([GUESTBOOK], input_kind="terraform-plan", collected_at=COLLECTED_AT)
    collection = collect_paths([KMS_PLAN], input_kind="kubernetes", collected_at=COLLECTED_AT)
    assert collection.resources == ()
    assert [s.reason for s in collection.skipped] == [
        "document has no apiVersion and no kind; not a Kubernetes object"
    ]


def test_unknown_input_kind_is_a_usage_error() -> None:
    assert input_kind_names() == ("terraform-plan", "kubernetes")
    with pytest.raises(
        UsageError, match=r"unknown input kind 'helm'; expected one of: terraform-plan, kubernetes"
    ) as raised:
        collect_paths([KMS_PLAN], input_kind="helm", collected_at=COLLECTED_AT)
    assert raised.value.exit_code == 2


def test_the_whole_test_data_folder_collects() -> None:
    collection = collect_paths([DATA], collected_at=COLLECTED_AT)
    kinds = {resource.provenance.adapter for resource in collection.resources}
    assert kinds == {"terraform", "kubernetes"}
    assert sum(r.platform == "terraform" for r in collection.resources) == 234 + 5
    assert sum(r.platform == "kubernetes" for r in collection.resources) == 39 + 2 + 2 + 1
    assert [s.reason for s in collection.skipped] == ["document is a string, not a Kubernetes object"]


def test_binary_file_in_a_folder_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "weights.json").write_bytes(b"\x80\x04\x95 pickled model weights")
    with pytest.raises(InputError, match=r"weights.json:1: not UTF-8 text \(byte 0x80 at offset 0\)"):
        collect_paths([tmp_path], collected_at=COLLECTED_AT)
