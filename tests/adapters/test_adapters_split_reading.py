"""Reading many files in several processes (`collect_paths(jobs=N)`): the same collection, the
same skipped files and the same first error, in file order, as reading them one by one."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from gavel.adapters import detect
from gavel.adapters.detect import _share, collect_paths
from gavel.engine.errors import InputError

NOW = datetime.fromisoformat("2026-11-24T12:00:00+00:00")
ADAPTERS = Path(__file__).parent.parent / "data" / "adapters"
FOLDERS = [
    ADAPTERS / name for name in ("terraform-plan", "kubernetes", "openlineage", "argo-workflows", "gcp-cai")
]


@pytest.fixture
def split_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detect, "SPLIT_AT", 0)


def _documents(folders: list[Path], jobs: int, strict: bool = False) -> tuple[list[object], list[str]]:
    collection = collect_paths(folders, collected_at=NOW, jobs=jobs, strict=strict)
    return [r.to_document() for r in collection.resources], [str(s) for s in collection.skipped]


def test_split_reading_collects_what_reading_one_by_one_does(split_everything: None) -> None:
    alone = _documents(FOLDERS, jobs=1)
    assert len(alone[0]) > 300 and alone[1]
    assert _documents(FOLDERS, jobs=2) == alone
    assert _documents(FOLDERS, jobs=3) == alone


def test_the_first_bad_file_in_file_order_is_the_error_however_files_are_shared(
    tmp_path: Path, split_everything: None
) -> None:
    for name in ("a.json", "c.yaml"):
        (tmp_path / name).write_text("{ not json" if name.endswith(".json") else "a: [unclosed\n")
    deployment = (
        ADAPTERS / "kubernetes" / "kubernetes-examples" / "AI" / "vllm-deployment" / "vllm-deployment.yaml"
    )
    shutil.copy(deployment, tmp_path / "b.yaml")
    errors = set()
    for jobs in (1, 2, 3):
        with pytest.raises(InputError) as raised:
            collect_paths([tmp_path], collected_at=NOW, jobs=jobs)
        errors.add(raised.value.one_line())
    assert len(errors) == 1
    assert next(iter(errors)).startswith(str(tmp_path / "a.json"))


def test_unknown_files_are_skipped_or_fatal_under_strict_as_one_by_one(
    tmp_path: Path, split_everything: None
) -> None:
    (tmp_path / "notes.yaml").write_text("shopping: [bread, milk]\n")
    shutil.copytree(ADAPTERS / "openlineage", tmp_path / "lineage")
    assert _documents([tmp_path], jobs=2) == _documents([tmp_path], jobs=1)
    assert any("notes.yaml" in line for line in _documents([tmp_path], jobs=2)[1])
    with pytest.raises(InputError, match=r"notes\.yaml"):
        collect_paths([tmp_path], collected_at=NOW, jobs=2, strict=True)


@pytest.mark.parametrize("parts", [1, 2, 3, 5])
def test_every_file_is_read_by_exactly_one_part_and_the_costliest_here(parts: int) -> None:
    costs = [5, 90, 1, 40, 40, 7, 0, 12]
    shares = [_share(costs, part, parts) for part in range(parts)]
    assert sorted(index for share in shares for index in share) == list(range(len(costs)))
    assert all(share == sorted(share) for share in shares)
    assert 1 in shares[0]
    loads = [sum(costs[i] for i in share) for share in shares]
    assert max(loads) - min(loads) <= max(costs)
