"""Input-kind detection and the command line's entry point over files and folders."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gavel.adapters.detect import collect_paths, detect_kind, input_files
from gavel.adapters.registry import INPUT_KINDS, input_kind_names
from gavel.adapters.sources import parse_documents, read_source
from gavel.engine.errors import InputError, UsageError

TESTS_DATA = Path(__file__).parents[1] / "data"
DATA = TESTS_DATA / "adapters"
PLANS = sorted((DATA / "terraform-plan").rglob("*.json"))
MANIFESTS = sorted(p for p in (DATA / "kubernetes").rglob("*") if p.suffix in {".yaml", ".yml"})
GUESTBOOK = DATA / "kubernetes/kubernetes-examples/web/guestbook/all-in-one/guestbook-all-in-one.yaml"
KMS_PLAN = DATA / "terraform-plan/regula/rules/tf/aws/kms/inputs/key_rotation_infra.json"
COLLECTED_AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
# The Terraform and Kubernetes documents in crafted/ (the others there are pipeline specs).
CRAFTED = [
    DATA / "crafted" / name
    for name in (
        "tfplan.delete-replace-providers.json",
        "helm.vllm-rendered.yaml",
        "list.guestbook.yaml",
        "podlist.privileged.json",
    )
]

# Documents whose kind is known, each checked to be detected as exactly that kind.
EXAMPLES: dict[str, Path] = {
    "terraform-plan": KMS_PLAN,
    "openlineage": DATA / "openlineage/crafted/events.jaffle-shop.jsonl",
    "gx-result": DATA
    / "great-expectations/great_expectations/tests/test_sets"
    / "titanic_expected_data_asset_validate_results.json",
    "gx-validation": DATA / "great-expectations/crafted/customers.gx.yaml",
    "kubeflow": DATA
    / "kubeflow-pipelines-ir/pipelines/test_data/sdk_compiled_pipelines/valid"
    / "gpu-scheduling/nvidia_gpu_scheduling_check.yaml",
    "argo": DATA / "argo-workflows/argo-workflows/dag-diamond.yaml",
    "airflow-export": DATA / "detect/airflow-export.v2.json",
    "mlflow-registry": TESTS_DATA / "engine/graph/ml-platform/mlflow.registry-export.json",
    "kubernetes": GUESTBOOK,
}


def names_every_kind(reason: str) -> bool:
    """An unrecognised file's reason says it is none of the kinds, naming each one tried."""
    return reason.startswith("not a ") and all(kind.title in reason for kind in INPUT_KINDS)


@pytest.fixture(scope="module")
def detected_in_test_data() -> dict[str | None, list[Path]]:
    """Every input file under tests/data by the kind it is detected as (detection only, no adapter).

    Files kept malformed on purpose (error-message tests) are no document of any kind.
    """
    found: dict[str | None, list[Path]] = {}
    for path in input_files([TESTS_DATA]):
        try:
            documents = parse_documents(read_source(path))
        except InputError:
            continue
        found.setdefault(detect_kind(path, documents), []).append(path)
    return found


@pytest.mark.parametrize("kind", input_kind_names())
def test_every_input_kind_is_detected_in_some_real_document(
    kind: str, detected_in_test_data: dict[str | None, list[Path]]
) -> None:
    """A kind registered in adapters/registry.py needs a real document of its kind under tests/data."""
    found = len(detected_in_test_data.get(kind, ()))
    assert found > 0, f"no document under tests/data is detected as {kind}"


@pytest.mark.parametrize(("kind", "example"), sorted(EXAMPLES.items()))
def test_known_documents_are_detected_as_their_kind(kind: str, example: Path) -> None:
    assert kind in input_kind_names()
    assert detect_kind(example, parse_documents(read_source(example))) == kind


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
    empty, package, string = collection.skipped
    assert (Path(empty.source).name, empty.reason, empty.line) == ("empty.yaml", "empty file", None)
    assert (Path(package.source).name, package.line) == ("package.json", None)
    assert names_every_kind(package.reason)
    assert (Path(string.source).name, string.reason, string.line) == (
        "list.yml",
        "document is a string, not a Kubernetes object",
        49,
    )
    assert collect_paths([estate], collected_at=COLLECTED_AT) == collection


def test_strict_turns_the_first_unrecognised_file_into_an_error(estate: Path) -> None:
    with pytest.raises(InputError, match=rf"^{estate / 'empty.yaml'}: empty file$"):
        collect_paths([estate], strict=True, collected_at=COLLECTED_AT)
    (estate / "empty.yaml").unlink()
    with pytest.raises(InputError) as raised:
        collect_paths([estate], strict=True, collected_at=COLLECTED_AT)
    assert raised.value.one_line().startswith(f"{estate / 'package.json'}: not a ")
    assert names_every_kind(raised.value.message)


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
    with pytest.raises(UsageError) as raised:
        collect_paths([KMS_PLAN], input_kind="helm", collected_at=COLLECTED_AT)
    assert raised.value.message == (
        f"unknown input kind 'helm'; expected one of: {', '.join(input_kind_names())}"
    )
    assert raised.value.exit_code == 2


def test_kubernetes_is_tried_last_since_it_claims_any_object_with_apiversion_and_kind() -> None:
    names = input_kind_names()
    assert names[-1] == "kubernetes" and len(set(names)) == len(names)


def test_the_terraform_and_kubernetes_corpus_collects() -> None:
    collection = collect_paths(
        [DATA / "terraform-plan", DATA / "kubernetes", *CRAFTED], collected_at=COLLECTED_AT
    )
    kinds = {resource.provenance.adapter for resource in collection.resources}
    assert kinds == {"terraform", "kubernetes"}
    assert sum(r.platform == "terraform" for r in collection.resources) == 234 + 5
    assert sum(r.platform == "kubernetes" for r in collection.resources) == 39 + 2 + 2 + 1
    assert [s.reason for s in collection.skipped] == ["document is a string, not a Kubernetes object"]


def test_binary_file_in_a_folder_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "weights.json").write_bytes(b"\x80\x04\x95 pickled model weights")
    with pytest.raises(InputError, match=r"weights.json:1: not UTF-8 text \(byte 0x80 at offset 0\)"):
        collect_paths([tmp_path], collected_at=COLLECTED_AT)
