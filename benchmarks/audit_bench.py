"""Benchmark `gavel audit --config` whole and split into shards (`--shard i/N`).

The estate is the check benchmark's 5,000-resource plan (built from the real plans under
tests/data) cut into ten plan files of 500, given to the audit as a `files` source. Files are
shared units: every shard reads all ten and judges the ones it owns, so the figures show what
sharding saves on evaluation, the part that grows with the estate; each shard still pays for
reading and parsing everything. Wall and CPU seconds are printed side by side because the
reference machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_bench import build_plan


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and exit code of one child process."""
    before = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - before, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def _median(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float, int]:
    results = [_run(command, env) for _ in range(runs)]
    return (
        statistics.median(r[0] for r in results),
        statistics.median(r[1] for r in results),
        results[-1][2],
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--shards", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    gavel = shutil.which("gavel") or sys.exit("gavel is not installed (pip install -e .)")
    work = Path(tempfile.mkdtemp(prefix="gavel-audit-bench-"))
    per_file = args.resources // args.files
    paths = []
    for index in range(args.files):
        path = work / f"plan-{index:02d}.json"
        path.write_text(json.dumps(build_plan(per_file)))
        paths.append(str(path))
    config = work / "audit.yaml"
    config.write_text(json.dumps({"sources": [{"type": "files", "paths": paths}], "evidence": False}))
    env = {**os.environ, "GAVEL_HOME": str(work / "home"), "NO_COLOR": "1"}
    audit = [gavel, "audit", "--config", str(config), "--format", "json"]

    print(f"estate: {args.files} plan files of {per_file} resources")
    wall, cpu, code = _median([*audit, "--output", str(work / "whole.json")], env, args.runs)
    whole = json.loads((work / "whole.json").read_text())["summary"]
    print(f"whole audit        {wall:6.2f} s wall {cpu:6.2f} s CPU  {whole['resources']} judged, exit {code}")
    slowest = 0.0
    for index in range(args.shards):
        out = work / f"shard-{index}.json"
        shard = [*audit, "--shard", f"{index}/{args.shards}", "--output", str(out)]
        wall, cpu, code = _median(shard, env, args.runs)
        judged = json.loads(out.read_text())["summary"]["resources"]
        slowest = max(slowest, wall)
        label = f"shard {index}/{args.shards}"
        print(f"{label:18} {wall:6.2f} s wall {cpu:6.2f} s CPU  {judged} judged, exit {code}")
    print(f"slowest shard      {slowest:6.2f} s wall")


if __name__ == "__main__":
    main()
