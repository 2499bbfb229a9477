"""Judging a whole estate: one runtime per group of kinds over one parsed data document, and the
resources split over forked worker processes, give exactly the decision a single runtime
holding the whole policy set gives."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from gavel.adapters.detect import collect_paths
from gavel.engine import kind_evaluation
from gavel.engine.estate import Estate, build_estate
from gavel.engine.evaluate import PreparedEvaluation, data_document, evaluate
from gavel.engine.forked import run_parts
from gavel.engine.loader import PolicySet, load_policy_set
from gavel.engine.models import Decision, GatePolicy, Outcome, Severity
from gavel.engine.rego import EmbeddedRuntime, EvaluationError, RegoBundle, SharedData

NOW = datetime.fromisoformat("2026-11-24T12:00:00+00:00")
ADAPTERS = Path(__file__).parent.parent / "data" / "adapters"
# Real documents of every layer: Terraform plans, Kubernetes manifests, OpenLineage events,
# Kubeflow and Argo pipelines, AWS Config, GCP and Azure inventories.
LAYERS = [
    "terraform-plan",
    "kubernetes",
    "openlineage",
    "kubeflow-pipelines-ir",
    "argo-workflows",
    "aws-config",
    "gcp-cai",
    "azure-resource-graph",
]


@pytest.fixture(scope="module")
def library() -> PolicySet:
    return load_policy_set(["builtin"])


@pytest.fixture(scope="module")
def estate() -> Estate:
    collection = collect_paths([ADAPTERS / layer for layer in LAYERS], collected_at=NOW)
    return build_estate(collection.resources)


def _whole(policy_set: PolicySet, estate: Estate, **kwargs: Any) -> Decision:
    kinds = [resource.kind for resource in estate.resources.values()]
    prepared = PreparedEvaluation(policy_set, EmbeddedRuntime(), kinds, estate)
    return prepared.judge(estate, now=NOW, **kwargs)


def _comparable(decision: Decision) -> tuple[Any, ...]:
    findings = [
        (f.policy_id, f.resource.id, f.outcome, f.message, dict(f.details)) for f in decision.findings
    ]
    return (
        findings,
        decision.risk,
        decision.passed,
        decision.reasons,
        decision.policy_ids,
        decision.bundle_digest,
    )


def test_the_estate_under_test_spans_many_groups_of_kinds(library: PolicySet, estate: Estate) -> None:
    kinds = {resource.kind for resource in estate.resources.values()}
    assert len(estate.resources) > 300
    assert {"Deployment", "aws_s3_bucket", "openlineage_dataset"} <= kinds
    assert len(_whole(library, estate).findings) > 100


def test_grouped_evaluation_decides_as_one_runtime_over_the_whole_library(
    library: PolicySet, estate: Estate
) -> None:
    grouped = evaluate(library, estate, EmbeddedRuntime(), now=NOW)
    assert _comparable(grouped) == _comparable(_whole(library, estate))


def test_forked_workers_decide_as_one_process_does(
    library: PolicySet, estate: Estate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kind_evaluation, "FORK_AT", 10)
    gate = GatePolicy(fail_on=Severity.HIGH)
    alone = evaluate(library, estate, EmbeddedRuntime(), gate=gate, now=NOW, jobs=1)
    for jobs in (2, 3):
        split = evaluate(library, estate, EmbeddedRuntime(), gate=gate, now=NOW, jobs=jobs)
        assert _comparable(split) == _comparable(alone)


def test_a_shard_judges_its_own_resources_against_the_graph_of_everything(
    library: PolicySet, estate: Estate
) -> None:
    mine = {rid: r for rid, r in estate.resources.items() if r.kind == "openlineage_dataset"}
    judged = Estate(mine, estate.classification, estate.edges, estate.reasons, estate.unresolved)
    decision = evaluate(library, judged, EmbeddedRuntime(), now=NOW, loaded=estate)
    kinds = [resource.kind for resource in mine.values()]
    whole = PreparedEvaluation(library, EmbeddedRuntime(), kinds, estate).judge(judged, now=NOW)
    assert {f.resource.id for f in decision.findings} <= set(mine)
    assert _comparable(decision) == _comparable(whole)


def test_a_policy_raising_in_a_worker_is_an_error_finding_as_in_one_process(
    data_dir: Path, make_resource: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kind_evaluation, "FORK_AT", 2)
    policy_set = load_policy_set([data_dir / "engine" / "broken_builtin", data_dir / "engine" / "policies"])
    buckets = [
        make_resource("aws_s3_bucket", f"b{i}", {}, labels={"size": "lots" if i % 3 == 0 else "10Gi"})
        for i in range(9)
    ]
    estate = build_estate(buckets)
    alone = evaluate(policy_set, estate, EmbeddedRuntime(), now=NOW, jobs=1)
    split = evaluate(policy_set, estate, EmbeddedRuntime(), now=NOW, jobs=2)
    errors = [f.resource.id for f in split.findings if f.outcome is Outcome.ERROR]
    assert errors == [f"terraform:aws_s3_bucket.b{i}" for i in (0, 3, 6)]
    assert _comparable(split) == _comparable(alone)


def test_the_first_part_runs_here_and_each_other_in_a_forked_process_of_its_own() -> None:
    parts = run_parts(lambda part, parts: (os.getpid(), part, parts), 3)
    assert [(part, count) for _, part, count in parts] == [(0, 3), (1, 3), (2, 3)]
    pids = [pid for pid, _, _ in parts]
    assert pids[0] == os.getpid() and len(set(pids)) == 3


def test_parts_fork_while_another_thread_holds_a_lock_the_work_does_not_need() -> None:
    held, release = threading.Lock(), threading.Event()

    def hold() -> None:
        with held:
            release.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        parts = run_parts(lambda part, parts: (os.getpid(), part), 2)
    finally:
        release.set()
        holder.join()
    assert [part for _, part in parts] == [0, 1]
    assert len({pid for pid, _ in parts}) == 2


def test_a_worker_that_dies_is_an_evaluation_error_not_a_gap() -> None:
    def work(part: int, parts: int) -> int:
        if part == 1:
            os.kill(os.getpid(), signal.SIGKILL)
        return part

    with pytest.raises(EvaluationError, match=r"evaluation worker process died.*--jobs 1"):
        run_parts(work, 2)


def _bundle(data: Any, rule: str) -> RegoBundle:
    return RegoBundle(modules={"q.rego": f"package q\nimport rego.v1\nanswer := {rule}\n"}, data=data)


def test_runtimes_loading_one_shared_document_answer_from_it_in_any_thread(library: PolicySet) -> None:
    shared = SharedData(gavel={"n": 41})
    first, second = EmbeddedRuntime(), EmbeddedRuntime()
    first.load(_bundle(shared, "data.gavel.n + 1"))
    second.load(_bundle(shared, "data.gavel.n - 1"))
    assert first.query("q.answer", {}) == (True, 42)
    assert second.query("q.answer", {}) == (True, 40)
    answers: list[Any] = []

    def elsewhere() -> None:  # runtimes are thread-affine: another thread parses its own copy
        runtime = EmbeddedRuntime()
        runtime.load(_bundle(shared, "data.gavel.n * 2"))
        answers.append(runtime.query("q.answer", {}))

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert answers == [(True, 82)]
    assert data_document(library, build_estate([])).parsed is not shared.parsed


@pytest.mark.parametrize("failing", [0, 1])
def test_an_exception_in_a_part_is_raised_here_and_no_worker_is_left(failing: int) -> None:
    def work(part: int, parts: int) -> int:
        if part == failing:
            raise ValueError(f"part {part} of {parts} cannot go on")
        return part

    with pytest.raises(ValueError, match=f"part {failing} of 3 cannot go on"):
        run_parts(work, 3)
    assert not multiprocessing.active_children()
