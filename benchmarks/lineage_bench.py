"""Benchmark reading OpenLineage events: parse, validate against the spec, fold into resources.

    python benchmarks/lineage_bench.py [--events 100000] [--resources 20000] [--invalid 100]

The events are built from the real ones under tests/data/adapters/openlineage (the dbt jaffle_shop
run, the OpenLineage client's and spec's full events), each copy with its own run id, event time,
job (one of resources/4 jobs) and datasets (from a pool of the other 3/4), so facets repeat across
events as they do from one producer; `--invalid` of them carry a malformed run id. One child
process reads the JSON-lines file whole and reports each phase (peak memory is the child's); a
second reads it as `gavel check` does, as a stream (`openlineage_stream`); a third runs `gavel
check` over it with the built-in library (built and evaluated, evidence off), stopped after
`--check-timeout` seconds. Figures are wall and CPU seconds: on a shared machine the CPU figures
are the ones to compare.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "tests" / "data" / "adapters" / "openlineage"
TARGET_SECONDS = 10.0
TARGET_MIB = 1024
START = datetime(2025, 6, 1, tzinfo=UTC)


def _templates() -> list[dict[str, Any]]:
    """Every schema-valid event under the test data (files hold one event, an array or JSON lines)."""
    from gavel.adapters.openlineage_schema import validation_error

    found: list[dict[str, Any]] = []
    for path in sorted(TEMPLATES.rglob("*.json*")):
        text = path.read_text()
        try:
            documents = [json.loads(text)]
        except json.JSONDecodeError:
            documents = [json.loads(line) for line in text.splitlines() if line.strip()]
        for document in documents:
            for event in document if isinstance(document, list) else [document]:
                if isinstance(event, dict) and "run" in event and validation_error(event) is None:
                    found.append(event)
    if not found:
        sys.exit(f"no valid OpenLineage events under {TEMPLATES}; run from a full checkout")
    return found


def build_events(count: int, resources: int, invalid: int) -> Iterator[str]:
    """`count` JSON lines; every (count // invalid)-th event has a run id that is not a UUID."""
    templates = _templates()
    job_names = sorted({(e["job"]["namespace"], e["job"]["name"]) for e in templates})
    dataset_names = sorted(
        {
            (d["namespace"], d["name"])
            for e in templates
            for r in ("inputs", "outputs")
            for d in e.get(r) or ()
        }
    )
    jobs = max(1, resources // 4)
    datasets = max(1, resources - jobs)
    every = count // invalid if invalid else 0
    for index in range(count):
        event = copy.deepcopy(templates[index % len(templates)])
        job = index % jobs
        namespace, name = job_names[job % len(job_names)]
        event["job"].update(namespace=namespace, name=f"{name}.{job}")
        event["eventTime"] = (START + timedelta(milliseconds=10 * index)).isoformat().replace("+00:00", "Z")
        event["run"]["runId"] = str(uuid.UUID(int=index + 1, version=4))
        parent = event["run"].get("facets", {}).get("parent")
        if parent:
            parent["run"]["runId"] = str(uuid.UUID(int=count + job + 1, version=4))
        slot = 0
        for role in ("inputs", "outputs"):
            for dataset in event.get(role) or ():
                pick = (job * 3 + slot) % datasets
                namespace, name = dataset_names[pick % len(dataset_names)]
                dataset.update(namespace=namespace, name=f"{name}_{pick}")
                slot += 1
        if every and index % every == every - 1:
            event["run"]["runId"] = "x"
        yield json.dumps(event, separators=(",", ":"))


def measure_collect(path: Path) -> dict[str, Any]:
    """In the child: (wall, CPU) seconds of reading the file as `gavel check` does, by phase.

    `parse` is what detection does to every file, `validate + merge` is
    `OpenLineageEvents.from_documents`; `validate alone` is a second pass of just the validation.
    """
    from gavel.adapters.openlineage import OpenLineageEvents
    from gavel.adapters.openlineage_schema import validation_error
    from gavel.adapters.sources import SourceText, parse_documents
    from gavel.engine.collector import collector_paused

    collected_at = datetime.now(UTC)
    data = path.read_bytes()
    marks = [(time.perf_counter(), time.process_time())]
    source = SourceText.from_bytes(data, str(path))
    documents = parse_documents(source)
    marks.append((time.perf_counter(), time.process_time()))
    events = OpenLineageEvents.from_documents(source, documents, collected_at)
    marks.append((time.perf_counter(), time.process_time()))
    with collector_paused():
        for document in documents:
            validation_error(document.value)
    marks.append((time.perf_counter(), time.process_time()))
    spans = [(end[0] - begin[0], end[1] - begin[1]) for begin, end in itertools.pairwise(marks)]
    return {
        "events": len(documents),
        "rejected": events.rejected,
        "resources": len(events.resources),
        "phases": dict(zip(("parse", "validate + merge", "validate alone"), spans, strict=True)),
    }


def _run(command: list[str], env: dict[str, str], timeout: float) -> tuple[float, float, float, int, bytes]:
    """Wall and CPU seconds, peak RSS in MiB, exit code and standard output of one child process.

    A child still running after `timeout` seconds is killed (exit code -9).
    """
    before = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    deadline = threading.Timer(timeout, process.kill)
    deadline.start()
    try:
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        deadline.cancel()
    wall, cpu = time.perf_counter() - before, usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), output


def measure_stream(path: Path) -> dict[str, Any]:
    """In the child: (wall, CPU) seconds of reading the file as a stream, as `gavel check` does."""
    from gavel.adapters.openlineage_stream import read_json_lines

    collected_at = datetime.now(UTC)
    started = (time.perf_counter(), time.process_time())
    events = read_json_lines(path, forced=False, collected_at=collected_at, strict=False)
    if events is None:
        sys.exit(f"{path} was not read as a stream")
    spent = (time.perf_counter() - started[0], time.process_time() - started[1])
    return {"events": events.accepted + events.rejected, "resources": len(events.resources), "spent": spent}


def report_stream(events: Path, env: dict[str, str]) -> None:
    _, _, mib, code, output = _run([sys.executable, __file__, "--stream", str(events)], env, timeout=3600)
    if code != 0:
        sys.exit(f"the stream child failed with exit {code}")
    measured = json.loads(output)
    wall, cpu = measured["spent"]
    print(
        f"stream  {wall:6.2f} s wall, {cpu:6.2f} s CPU ({measured['events'] / cpu:.0f} events/s of CPU),"
        f" child peak {mib:.0f} MiB, {measured['resources']} resources"
    )


def report_collect(events: Path, env: dict[str, str]) -> None:
    _, _, mib, code, output = _run([sys.executable, __file__, "--collect", str(events)], env, timeout=3600)
    if code != 0:
        sys.exit(f"the collect child failed with exit {code}")
    measured = json.loads(output)
    count = measured["events"]
    print(f"resources: {measured['resources']}, rejected events: {measured['rejected']}")
    print("  phase                wall s     CPU s   CPU us/event")
    for phase, (wall, cpu) in measured["phases"].items():
        print(f"  {phase:<18} {wall:8.2f}  {cpu:8.2f}  {cpu / count * 1e6:9.1f}")
    wall = sum(measured["phases"][p][0] for p in ("parse", "validate + merge"))
    cpu = sum(measured["phases"][p][1] for p in ("parse", "validate + merge"))
    print(
        f"collect {wall:6.2f} s wall, {cpu:6.2f} s CPU ({count / cpu:.0f} events/s of CPU),"
        f" child peak {mib:.0f} MiB"
    )


def report_check(gavel: str, events: Path, env: dict[str, str], timeout: float) -> None:
    out = events.with_name("out.json")
    command = [gavel, "check", str(events), "--no-evidence", "--format", "json", "--output", str(out)]
    wall, cpu, mib, code, _ = _run(command, env, timeout)
    targets = f"(targets <= {TARGET_SECONDS:.0f} s, <= {TARGET_MIB} MiB)"
    print(f"gavel check {wall:6.2f} s wall, {cpu:6.2f} s CPU, peak {mib:.0f} MiB {targets}")
    if code not in (0, 1):
        stopped = f"stopped after {timeout:.0f} s" if code == -9 else f"failed with exit {code}"
        print(f"  gavel check {stopped}")
        return
    report = json.loads(out.read_text())["summary"]
    print(f"  {report['resources']} resources, {report['findings']} findings, exit {code}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--resources", type=int, default=20_000)
    parser.add_argument("--invalid", type=int, default=100, help="how many events are invalid")
    parser.add_argument("--no-check", action="store_true", help="skip the `gavel check` run")
    parser.add_argument("--check-timeout", type=float, default=900, help="stop `gavel check` after it")
    parser.add_argument("--collect", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stream", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.collect:
        print(json.dumps(measure_collect(args.collect)))
        return
    if args.stream:
        print(json.dumps(measure_stream(args.stream)))
        return

    work = Path(tempfile.mkdtemp(prefix="gavel-lineage-bench-"))
    try:
        events = work / "events.jsonl"
        with events.open("w") as out:
            for line in build_events(args.events, args.resources, args.invalid):
                out.write(line + "\n")
        env = {**os.environ, "GAVEL_HOME": str(work / "home"), "NO_COLOR": "1"}
        size = events.stat().st_size / 2**20
        print(f"events: {args.events} ({size:.1f} MiB JSON lines), {args.invalid} invalid")
        report_collect(events, env)
        report_stream(events, env)
        gavel = shutil.which("gavel", path=str(Path(sys.executable).parent)) or shutil.which("gavel")
        if args.no_check or gavel is None:
            print("gavel check skipped" + ("" if args.no_check else ": gavel is not installed"))
            return
        report_check(gavel, events, env, args.check_timeout)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
