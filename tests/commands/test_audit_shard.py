"""`gavel audit --shard i/N`: the pure assignment, and sharded audits of a real Kubernetes-API
server, moto in server mode and a lineage store whose union equals the unsharded audit, with
shards appending to one real PostgreSQL evidence store that `gavel evidence verify` checks."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kube_apiserver as apiserver
import pytest
from audit_environment import isolate, seeded_moto
from aws_moto import MotoServer
from click.testing import CliRunner, Result
from postgres_database import temporary_database

from gavel.adapters.openlineage_store import LineageStore
from gavel.cli import cli
from gavel.commands.audit_shards import Shard, owner
from gavel.engine.errors import UsageError

DATA = Path(__file__).resolve().parents[1] / "data"
ESTATE = DATA / "engine" / "graph" / "ml-platform"
REGIONS = ["eu-central-1", "us-east-1"]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)


@pytest.fixture
def server() -> Iterator[Any]:
    with apiserver.ClusterApiServer(apiserver.Cluster()) as running:
        yield running


@pytest.fixture
def kubeconfig(server: Any, tmp_path: Path) -> Path:
    path: Path = server.write_kubeconfig(tmp_path / "kubeconfig")
    return path


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    yield from seeded_moto()


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def findings(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((f["policy_id"], f["resource"]["id"], f["message"]) for f in report["findings"])


def context_of(log_index: int, *evidence: str) -> dict[str, Any]:
    shown = json.loads(run("evidence", "show", str(log_index), *evidence).stdout)
    context: dict[str, Any] = shown["statement"]["predicate"]["context"]
    return context


def sharded(audit: tuple[str, ...], count: int) -> tuple[list[tuple[str, str, str]], list[dict[str, Any]]]:
    """Every shard's findings together, and each shard's evidence context."""
    union: list[tuple[str, str, str]] = []
    contexts = []
    for index in range(count):
        result = run(*audit, "--shard", f"{index}/{count}", "--format", "json")
        assert result.exit_code in (0, 1), result.output
        report = json.loads(result.stdout)
        union.extend(findings(report))
        contexts.append(context_of(report["evidence"]["log_index"]))
    return sorted(union), contexts


def test_parse_accepts_index_over_count_and_rejects_the_rest() -> None:
    assert Shard.parse("2/3") == Shard(2, 3)
    assert Shard.parse(" 0 / 1 ") == Shard(0, 1)
    for text in ("3/2", "2/2", "0/0", "-1/2", "a/b", "1", "1/2/3"):
        with pytest.raises(UsageError):
            Shard.parse(text)


def test_every_unit_has_exactly_one_owner_which_never_moves() -> None:
    units = [f"cluster:prod/namespace/team-{n}" for n in range(200)] + [
        f"file:/etc/audit/{n}.json" for n in range(50)
    ]
    for count in (1, 2, 3, 5, 8):
        owners = [[Shard(i, count).owns(unit) for i in range(count)] for unit in units]
        assert all(row.count(True) == 1 for row in owners)
        loads = Counter(owner(unit, count) for unit in units)
        assert set(loads) == set(range(count))
        assert max(loads.values()) <= 1.5 * len(units) / count  # even on average, not exactly
    # Pinned: changing the assignment would move units between the pods of a running audit.
    assert [owner(f"cluster:prod/namespace/team-{n}", 4) for n in range(8)] == [2, 2, 2, 0, 1, 0, 3, 2]


def test_a_bad_shard_is_a_one_line_usage_error(kubeconfig: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    audit = ("audit", "--cluster", "--kubeconfig", str(kubeconfig), "--no-evidence")
    result = run(*audit, "--shard", "3/2")
    assert result.exit_code == 2
    assert result.stderr == "gavel: error: --shard '3/2': INDEX must be 0 to 1 for COUNT 2\n"
    monkeypatch.setenv("GAVEL_SHARD", "first")
    from_env = run(*audit)
    assert from_env.exit_code == 2
    assert from_env.stderr == (
        "gavel: error: --shard 'first': expected INDEX/COUNT, e.g. 0/3 (INDEX counts from 0)\n"
    )


@pytest.mark.parametrize("count", [1, 2, 3])
def test_cluster_shards_cover_every_namespace_once_and_find_what_the_whole_audit_finds(
    kubeconfig: Path, server: Any, count: int
) -> None:
    audit = ("audit", "--cluster", "--kubeconfig", str(kubeconfig))
    whole = json.loads(run(*audit, "--format", "json", "--no-evidence").stdout)
    union, contexts = sharded(audit, count)
    assert union == findings(whole)
    units = [unit for context in contexts for unit in context["shard"]["units"]]
    namespaces = sorted(ns["metadata"]["name"] for ns in server.cluster.items("Namespace", None))
    assert sorted(units) == [f"cluster:gavel-audit/namespace/{ns}" for ns in namespaces]
    # discovery is asked once per run (the whole audit, then each shard), not once per namespace
    assert len(server.requests_for("/apis")) == 1 + count
    assert [c["shard"]["index"] for c in contexts] == list(range(count))
    assert all(c["shard"]["count"] == count for c in contexts)
    assert run("evidence", "verify").exit_code == 0


def test_with_the_environment_variable_an_indexed_job_pod_needs_no_flag(
    kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAVEL_SHARD", "1/2")
    result = run("audit", "--cluster", "--kubeconfig", str(kubeconfig), "--format", "json")
    context = context_of(json.loads(result.stdout)["evidence"]["log_index"])
    assert context["shard"]["index"] == 1 and context["shard"]["count"] == 2
    assert context["shard"]["units"]


def test_aws_shards_split_regions_and_keep_the_bucket_join(moto: MotoServer) -> None:
    audit = (
        "audit",
        "--aws",
        *[a for r in REGIONS for a in ("--aws-region", r)],
        "--aws-endpoint-url",
        moto.url,
    )
    whole = json.loads(run(*audit, "--format", "json", "--no-evidence").stdout)
    # the training job is personal only through the bucket it reads: a join across units
    training = "aws:arn:aws:sagemaker:eu-central-1:123456789012:training-job/churn-train"
    assert ("sagemaker_personal_data_cmk", training) in {(p, r) for p, r, _ in findings(whole)}
    for count in (2, 3):
        union, contexts = sharded(audit, count)
        assert union == findings(whole)
        owned = sorted(unit for c in contexts for unit in c["shard"]["units"])
        assert owned == ["aws:123456789012/eu-central-1", "aws:123456789012/s3", "aws:123456789012/us-east-1"]


def test_shards_of_a_cross_layer_audit_find_what_the_whole_audit_finds(
    kubeconfig: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'lineage.db'}"
    store = LineageStore.open(url)
    for event in json.loads((ESTATE / "openlineage.events.json").read_text()):
        store.append(json.dumps(event), event)
    store.close()
    names = (
        "job.finetune-support-tickets.yaml",
        "pvc.checkpoints.yaml",
        "tfplan.gke.json",
        "tfplan.aws.json",
    )
    config = tmp_path / "audit.yaml"
    config.write_text(
        json.dumps(
            {
                "sources": [
                    {"type": "cluster", "kubeconfig": str(kubeconfig)},
                    {"type": "lineage", "store": url},
                    {"type": "files", "paths": [str(ESTATE / name) for name in names]},
                ]
            }
        )
    )
    audit = ("audit", "--config", str(config))
    whole = json.loads(run(*audit, "--format", "json", "--no-evidence").stdout)
    assert ("gpu_personal_data_in_eea", "kubernetes:ml-training/Job/finetune-support-tickets") in {
        (p, r) for p, r, _ in findings(whole)
    }
    union, contexts = sharded(audit, 3)
    assert union == findings(whole)
    shared = [f"lineage:{url}", *(f"file:{ESTATE / name}" for name in names)]
    for unit in shared:  # read by every shard, judged by one
        assert sum(unit in c["shard"]["units"] for c in contexts) == 1
        assert all(unit in c["shard"]["units"] + c["shard"]["shared_units_read"] for c in contexts)


def test_two_shards_append_to_one_postgresql_store_that_verifies(kubeconfig: Path) -> None:
    with temporary_database() as url:
        audit = ("audit", "--cluster", "--kubeconfig", str(kubeconfig), "--evidence", url, "--format", "json")
        indexes = [
            json.loads(run(*audit, "--shard", f"{i}/2").stdout)["evidence"]["log_index"] for i in (0, 1)
        ]
        assert indexes == [0, 1]
        verified = run("evidence", "verify", "--evidence", url)
        assert verified.exit_code == 0, verified.output
        assert "verified 2 entries" in verified.output
        shards = [context_of(i, "--evidence", url)["shard"] for i in indexes]
        assert not set(shards[0]["units"]) & set(shards[1]["units"])


def test_an_id_repeated_by_two_files_is_judged_once_per_copy_across_shards(tmp_path: Path) -> None:
    manifest = (ESTATE / "job.finetune-support-tickets.yaml").read_text()
    for folder in ("team-a", "team-b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "job.yaml").write_text(manifest)
    config = tmp_path / "audit.json"
    sources = [{"type": "files", "paths": ["team-a", "team-b", str(ESTATE / "tfplan.gke.json")]}]
    config.write_text(json.dumps({"sources": sources, "evidence": False}))
    audit = ("audit", "--config", str(config), "--format", "json")
    whole = json.loads(run(*audit).stdout)
    ids = {r for _, r, _ in findings(whole)}
    assert {
        "kubernetes:ml-training/Job/finetune-support-tickets",
        f"kubernetes:ml-training/Job/finetune-support-tickets@{tmp_path / 'team-b' / 'job.yaml'}",
    } <= ids
    for count in (2, 3):
        union = sorted(
            f
            for i in range(count)
            for f in findings(json.loads(run(*audit, "--shard", f"{i}/{count}").stdout))
        )
        assert union == findings(whole)
