"""Benchmark the cross-layer estate: 100,000 lineage events and 20,000 resources, built and judged.

    python benchmarks/estate_bench.py [--events 100000] [--resources 20000] [--runs 1]
                                      [--policies DIR ...] [--timeout SECONDS] [--estate DIR]
                                      [--jobs N]

The estate is generated from the shapes of real documents under tests/data: OpenLineage RunEvents
(`client/python/tests/example_full_event.json`) for 5,000 jobs, each reading two datasets and
writing a third (15,000 datasets in 500 buckets, about a sixth of them tagged personal or
special-category), their event times out of order as from many producers; for every job a Kubernetes Job
(the GKE `finetune.yaml` sample) naming it with `openlineage.io/job` and pinned to one of 50 GKE
node pools; a Terraform plan with the buckets, their KMS-encrypted SSE configurations and keys,
the node pools (`full_container_node_pool.tfplan.json`) and, up to the resource count, the real
plans' resources as `check_bench.py` repeats them. `gavel check` judges it all with the built-in
library (evidence off): the graph joins every layer, so the cross-layer policies have work.

Prints wall and CPU time and peak memory of `gavel check` against the targets (<= 10 s, <= 1 GiB;
on a shared machine the CPU seconds are the figure to compare). `gavel check` reads and judges
with every usable CPU (`--jobs`), so its CPU seconds include its workers' and its memory is the
peak PSS of its whole process tree. Then an in-process breakdown, in one process: collect, build
the estate (graph and classification), evaluate.
`--policies` narrows the library (as `gavel check --policies`, e.g. `policies/cross_layer`) to see
what one domain costs; `--timeout` stops a check that runs past it and says so. `--estate DIR`
keeps the generated estate in DIR, and judges the one found there on the next run.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_bench import build_plan
from tree_memory import PeakTreeMemory

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "adapters"
TARGET_SECONDS = 10.0
TARGET_MIB = 1024
JOBS, DATASETS, BUCKETS, POOLS = 5000, 20000, 500, 50
POOL_REGIONS = ["europe-west4", "europe-west1", "us-central1", "europe-north1", "asia-east1"]


def _event_template() -> dict[str, Any]:
    path = DATA / "openlineage" / "OpenLineage" / "client" / "python" / "tests" / "example_full_event.json"
    event: dict[str, Any] = json.loads(path.read_text())
    event["run"]["facets"].pop("parent", None)
    return event


def _dataset(index: int, template: dict[str, Any]) -> dict[str, Any]:
    facets = copy.deepcopy(template["inputs"][0]["facets"])
    level = "special-category" if index % 31 == 0 else "personal" if index % 7 == 0 else None
    if level:
        tags = [{"key": "data-classification", "value": level, "source": "MANUAL"}]
        facets["tags"] = {
            "_producer": template["producer"],
            "_schemaURL": template["schemaURL"],
            "tags": tags,
        }
    return {"namespace": f"s3://bench-lake-{index % BUCKETS}", "name": f"tables/t{index}", "facets": facets}


def write_events(path: Path, count: int) -> None:
    """`count` RunEvents, one per line: each job's runs read two datasets and write a third."""
    template = _event_template()
    datasets = [_dataset(i, template) for i in range(DATASETS)]
    with path.open("w") as stream:
        for index in range(count):
            job = index % JOBS
            event = copy.copy(template)
            event["eventType"] = "START" if (index // JOBS) % 2 == 0 else "COMPLETE"
            event["eventTime"] = f"2025-11-{1 + index * 28 // count:02d}T{index % 24:02d}:00:00.000Z"
            event["run"] = {**template["run"], "runId": str(uuid.UUID(int=index + 1))}
            event["job"] = {**template["job"], "namespace": f"team-{job % 50}", "name": f"job-{job}"}
            event["inputs"] = [datasets[(job * 4 + k) % DATASETS] for k in (0, 1)]
            event["outputs"] = [datasets[(job * 4 + 2) % DATASETS]]
            stream.write(json.dumps(event, separators=(",", ":")) + "\n")


def write_manifests(path: Path) -> None:
    """One Kubernetes Job per lineage job, named by annotation and pinned to a node pool."""
    sample = (
        DATA / "kubernetes" / "kubernetes-engine-samples" / "ai-ml" / "llm-finetuning-gemma" / "finetune.yaml"
    )
    template = yaml.safe_load(sample.read_text())
    documents = []
    for job in range(JOBS):
        document = copy.deepcopy(template)
        document["metadata"] = {
            "name": f"job-{job}",
            "namespace": f"team-{job % 50}",
            "annotations": {"openlineage.io/job": f"team-{job % 50}/job-{job}"},
        }
        document["spec"]["template"]["spec"]["nodeSelector"]["cloud.google.com/gke-nodepool"] = (
            f"pool-{job % POOLS}"
        )
        documents.append(document)
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False))


def _plan_resource(type_: str, name: str, values: dict[str, Any]) -> dict[str, Any]:
    return {"address": f"{type_}.{name}", "mode": "managed", "type": type_, "name": name, "values": values}


def write_plan(path: Path, resources: int) -> int:
    """Buckets, their keys and SSE configurations, node pools, then real resources up to `resources`."""
    pool_plan = json.loads(
        (
            DATA / "terraform-plan" / "terraform-google-conversion" / "full_container_node_pool.tfplan.json"
        ).read_text()
    )
    pool_values = pool_plan["planned_values"]["root_module"]["resources"][0]["values"]
    own = []
    for bucket in range(BUCKETS):
        name = f"bench-lake-{bucket}"
        own.append(
            _plan_resource("aws_s3_bucket", f"lake_{bucket}", {"bucket": name, "tags": {"owner": "data"}})
        )
        if bucket % 4 == 0:
            key = {"description": name, "enable_key_rotation": True, "tags": {"owner": "data"}}
            own.append(_plan_resource("aws_kms_key", f"lake_{bucket}", key))
            default = {"sse_algorithm": "aws:kms", "kms_master_key_id": f"alias/{name}"}
            rule = {"apply_server_side_encryption_by_default": [default]}
            sse = {"bucket": name, "rule": [rule]}
            own.append(
                _plan_resource("aws_s3_bucket_server_side_encryption_configuration", f"lake_{bucket}", sse)
            )
    for pool in range(POOLS):
        values = {**pool_values, "name": f"pool-{pool}", "location": POOL_REGIONS[pool % len(POOL_REGIONS)]}
        own.append(_plan_resource("google_container_node_pool", f"pool_{pool}", values))
    plan = build_plan(max(resources - len(own) - JOBS, 0))
    plan["planned_values"]["root_module"]["resources"].extend(own)
    for entry in own:
        change = {"actions": ["create"], "before": None, "after": entry["values"]}
        plan["resource_changes"].append(
            {key: entry[key] for key in ("address", "mode", "type", "name")} | {"change": change}
        )
    path.write_text(json.dumps(plan))
    return len(plan["planned_values"]["root_module"]["resources"]) + JOBS


def _run(command: list[str], env: dict[str, str], timeout: float | None) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak memory in MiB and exit code of one `gavel check`; exits if it
    overruns. Memory is the larger of the biggest process's peak RSS and the whole process tree's
    peak PSS (`tree_memory`: `--jobs` forks workers)."""
    before = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        deadline = threading.Timer(timeout, child.kill) if timeout else None
        if deadline:
            deadline.start()
        try:
            with PeakTreeMemory(child.pid) as memory:
                _, status, usage = os.wait4(child.pid, 0)
        finally:
            if deadline:
                deadline.cancel()
        elapsed = time.perf_counter() - before
        code = os.waitstatus_to_exitcode(status)
        if code == -signal.SIGKILL and timeout and elapsed >= timeout:
            sys.exit(f"gavel check did not finish within {timeout:g} s (target {TARGET_SECONDS:g} s)")
        errors.seek(0)
        if code not in (0, 1):
            sys.exit(f"gavel check failed (exit {code}): {errors.read().decode(errors='replace')}")
    return elapsed, usage.ru_utime + usage.ru_stime, max(usage.ru_maxrss / 1024, memory.peak_mib), code


def breakdown(folder: Path, policies: list[str]) -> list[tuple[str, float, float]]:
    """Wall and CPU seconds of each phase, in this process."""
    from datetime import UTC, datetime

    from gavel.adapters.detect import collect_paths
    from gavel.engine.estate import build_estate
    from gavel.engine.evaluate import evaluate
    from gavel.engine.loader import load_policy_set
    from gavel.engine.rego import EmbeddedRuntime

    now = datetime.now(UTC)
    phases = []
    clock = _Clock()
    collection = collect_paths([folder], collected_at=now)
    phases.append(("collect (parse, validate, merge events)", *clock.lap()))
    estate = build_estate(collection.resources)
    built = f"build estate ({len(estate.resources)} resources, {len(estate.edges)} edges)"
    phases.append((built, *clock.lap()))
    decision = evaluate(load_policy_set(policies or ["builtin"]), estate, EmbeddedRuntime(), now=now)
    phases.append((f"evaluate ({len(decision.findings)} findings)", *clock.lap()))
    return phases


class _Clock:
    """Wall and CPU seconds since the last lap."""

    def __init__(self) -> None:
        self._marks = (time.perf_counter(), time.process_time())

    def lap(self) -> tuple[float, float]:
        marks = (time.perf_counter(), time.process_time())
        wall, cpu = marks[0] - self._marks[0], marks[1] - self._marks[1]
        self._marks = marks
        return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--resources", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--policies", action="append", default=[], metavar="DIR")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS")
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="gavel check --jobs (default: its own)"
    )
    parser.add_argument(
        "--estate", type=Path, metavar="DIR", help="keep the estate in DIR, or judge the one already there"
    )
    args = parser.parse_args()

    gavel = shutil.which("gavel") or sys.exit("gavel is not installed (pip install -e .)")
    work = Path(tempfile.mkdtemp(prefix="gavel-estate-bench-"))
    try:
        estate = args.estate or work / "estate"
        if estate.is_dir() and any(estate.iterdir()):
            print(f"estate: the one in {estate}")
        else:
            estate.mkdir(parents=True, exist_ok=True)
            write_events(estate / "lineage.events.jsonl", args.events)
            write_manifests(estate / "jobs.yaml")
            resources = write_plan(estate / "plan.json", args.resources)
            size = sum(p.stat().st_size for p in estate.iterdir()) / 2**20
            print(f"estate: {args.events} lineage events, {resources} resources ({size:.0f} MiB) in {estate}")
        judge(gavel, estate, work, args)
    finally:
        shutil.rmtree(work)


def judge(gavel: str, estate: Path, work: Path, args: argparse.Namespace) -> None:
    """Run `gavel check` over the estate, print its figures, then the in-process breakdown."""
    env = {**os.environ, "GAVEL_HOME": str(work / "home"), "NO_COLOR": "1"}
    output = work / "out.json"
    command = [gavel, "check", str(estate), "--no-evidence", "--format", "json", "--output", str(output)]
    command += [option for folder in args.policies for option in ("--policies", folder)]
    command += ["--jobs", str(args.jobs)] if args.jobs else []
    results = [_run(command, env, args.timeout) for _ in range(args.runs)]
    seconds = statistics.median(r[0] for r in results)
    cpu = statistics.median(r[1] for r in results)
    mib = max(r[2] for r in results)
    document = json.loads(output.read_text())
    by_policy: dict[str, int] = {}
    for finding in document["findings"]:
        by_policy[finding["policy_id"]] = by_policy.get(finding["policy_id"], 0) + 1
    cross = {p: n for p, n in sorted(by_policy.items()) if p in _cross_layer_ids()}
    targets = f"(targets <= {TARGET_SECONDS:g} s, <= {TARGET_MIB} MiB)"
    print(f"gavel check   {seconds:6.2f} s wall, {cpu:6.2f} s CPU, peak {mib:6.0f} MiB  {targets}")
    print(
        f"ratio         {seconds / TARGET_SECONDS:.2f} x time target, {mib / TARGET_MIB:.2f} x memory target"
    )
    judged = document["summary"]["resources"]
    print(f"findings      {len(document['findings'])} over {judged} resources; cross-layer: {cross}")
    for name, wall, cpu in breakdown(estate, args.policies):
        print(f"  {wall:6.2f} s wall, {cpu:6.2f} s CPU  {name}")


def _cross_layer_ids() -> set[str]:
    return {p.name for p in (ROOT / "policies" / "cross_layer").iterdir() if p.is_dir()}


if __name__ == "__main__":
    main()
