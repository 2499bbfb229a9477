"""Benchmark `gavel check` on a 5,000-resource Terraform plan built from real plans.

    python benchmarks/check_bench.py [--resources 5000] [--runs 3] [--profile 10]

Set CHECKOV=/path/to/checkov to compare with a checkov installed elsewhere (e.g. its own venv).

The plan is assembled from every real `terraform show -json` plan under tests/data (AWS, GCP and
Azure resources written by other projects), repeated with fresh addresses, regions and data
classifications until it holds the requested number of resources. The whole built-in library is
evaluated, evidence recording off, output discarded. Prints the median wall time (with the median
CPU seconds, steadier on a shared machine) and peak memory against the targets, `gavel --help`
start-up time, and checkov's figures on the same plan with the ratio when checkov is installed.

`--profile N` instead evaluates in this process and prints where the time goes: CPU seconds per
resource kind (the one query each resource costs) and the N policies that cost most when each is
asked alone, over every resource it applies to (shared helpers are paid by each).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tree_memory import PeakTreeMemory

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.5
TARGET_MIB = 300
HELP_TARGET_SECONDS = 0.3
REGIONS = ["eu-west-1", "us-east-1", "eu-central-1", "ap-southeast-1", "europe-west4", "westeurope"]
CLASSIFICATIONS = ["personal", "internal", "public", "special-category", "confidential"]


def _real_plans() -> list[dict[str, Any]]:
    plans = []
    for path in sorted((ROOT / "tests" / "data").rglob("*.json")):
        raw = path.read_bytes()
        text = (
            raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8", "replace")
        )
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            continue
        if isinstance(document, dict) and "planned_values" in document and "format_version" in document:
            plans.append(document)
    return plans


def _resources(module: dict[str, Any]) -> list[dict[str, Any]]:
    found = [r for r in module.get("resources", []) if r.get("mode") == "managed"]
    for child in module.get("child_modules", []):
        found.extend(_resources(child))
    return found


def build_plan(count: int) -> dict[str, Any]:
    """A valid plan of `count` managed resources, cycling through the real ones."""
    templates = [
        r for plan in _real_plans() for r in _resources(plan.get("planned_values", {}).get("root_module", {}))
    ]
    if not templates:
        sys.exit("no Terraform plans found under tests/data; run from a full checkout")
    resources, changes = [], []
    for index in range(count):
        template = copy.deepcopy(templates[index % len(templates)])
        name = f"{template['name']}_{index}"
        address = f"{template['type']}.{name}"
        values = template.get("values") or {}
        if isinstance(values.get("tags"), dict) or template["type"].startswith("aws_"):
            values["tags"] = {**(values.get("tags") or {}), "data-classification": CLASSIFICATIONS[index % 5]}
        if "region" in values or "location" in values:
            key = "region" if "region" in values else "location"
            values[key] = REGIONS[index % len(REGIONS)]
        template.update(address=address, name=name, values=values)
        resources.append(template)
        changes.append(
            {
                "address": address,
                "mode": "managed",
                "type": template["type"],
                "name": name,
                "provider_name": template.get("provider_name", ""),
                "change": {"actions": ["create"], "before": None, "after": values},
            }
        )
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}
            }
        },
    }


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user + system), peak memory in MiB and exit code of one child.

    CPU seconds are quoted beside wall time: on a shared machine they move much less. Memory is
    the larger of the largest process's peak RSS and the process tree's peak PSS (`tree_memory`:
    `gavel check` forks workers for a large plan).
    """
    before = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with PeakTreeMemory(process.pid) as memory:
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - before
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, max(usage.ru_maxrss / 1024, memory.peak_mib), os.waitstatus_to_exitcode(status)


def _median_run(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float, float, int]:
    """Median wall and CPU seconds, the largest peak memory and the last exit code of `runs` runs."""
    results = [_run(command, env) for _ in range(runs)]
    return (
        statistics.median(r[0] for r in results),
        statistics.median(r[1] for r in results),
        max(r[2] for r in results),
        results[-1][3],
    )


def profile(plan_path: Path, top: int) -> None:
    """CPU seconds per resource kind and per policy of the built-in library over the plan."""
    from collections import defaultdict
    from datetime import UTC, datetime

    from gavel.adapters.detect import collect_paths
    from gavel.engine.estate import build_estate
    from gavel.engine.evaluate import PreparedEvaluation
    from gavel.engine.loader import DISPATCH_PACKAGE, load_policy_set
    from gavel.engine.rego import EmbeddedRuntime

    now = datetime.now(UTC)
    estate = build_estate(collect_paths([plan_path], collected_at=now).resources)
    runtime = EmbeddedRuntime()
    kinds = [resource.kind for resource in estate.resources.values()]
    dispatch = PreparedEvaluation(load_policy_set(), runtime, kinds, estate).dispatch
    by_kind: dict[str, list[float]] = defaultdict(list)
    by_policy: dict[str, list[float]] = defaultdict(list)
    for rid, resource in estate.resources.items():
        rule = dispatch.rule_of_kind.get(resource.kind)
        if rule is None:
            continue
        document = {"resource": estate.input_document(rid), "now": now.isoformat()}
        before = time.process_time()
        runtime.query(f"{DISPATCH_PACKAGE}.{rule}", document)
        by_kind[resource.kind].append(time.process_time() - before)
        for policy in dispatch.policies_of_kind[resource.kind]:
            before = time.process_time()
            for policy_rule in policy.rules:
                runtime.query(f"{policy.package}.{policy_rule}", document)
            by_policy[policy.id].append(time.process_time() - before)
    for title, table in (("resource kind (one query each)", by_kind), ("policy, asked alone", by_policy)):
        print(f"CPU s  resources  mean us  {title}: {sum(map(sum, table.values())):.2f} s in all")
        for name, times in sorted(table.items(), key=lambda item: -sum(item[1]))[:top]:
            print(f"{sum(times):5.2f}  {len(times):9d}  {sum(times) / len(times) * 1e6:7.0f}  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=int, metavar="N", help="print the N costliest policies instead")
    args = parser.parse_args()

    gavel = shutil.which("gavel") or sys.exit("gavel is not installed (pip install -e .)")
    work = Path(tempfile.mkdtemp(prefix="gavel-bench-"))
    plan_path = work / "plan.json"
    plan_path.write_text(json.dumps(build_plan(args.resources)))
    if args.profile is not None:
        profile(plan_path, args.profile)
        return
    env = {**os.environ, "GAVEL_HOME": str(work / "home"), "NO_COLOR": "1"}

    check = [
        gavel,
        "check",
        str(plan_path),
        "--no-evidence",
        "--format",
        "json",
        "--output",
        str(work / "out.json"),
    ]
    seconds, cpu, mib, code = _median_run(check, env, args.runs)
    findings = len(json.loads((work / "out.json").read_text())["findings"])
    size = plan_path.stat().st_size / 2**20
    print(f"plan: {args.resources} resources ({size:.1f} MiB), {findings} findings, exit {code}")
    targets = f"(targets <= {TARGET_SECONDS} s, <= {TARGET_MIB} MiB)"
    print(f"gavel check   median {seconds:6.2f} s ({cpu:.2f} s CPU)  peak {mib:6.0f} MiB  {targets}")

    help_seconds = statistics.median(_run([gavel, "--help"], env)[0] for _ in range(5))
    print(f"gavel --help  median {help_seconds:6.3f} s                (target < {HELP_TARGET_SECONDS} s)")

    checkov = os.environ.get("CHECKOV") or shutil.which("checkov")
    if checkov is None:
        print("checkov       not installed; reference figure measured on this machine: 46.9 s, 907 MiB")
        return
    command = [checkov, "-f", str(plan_path), "--framework", "terraform_plan", "-o", "json", "--quiet"]
    checkov_seconds, checkov_cpu, checkov_mib, _ = _median_run(command, env, args.runs)
    print(
        f"checkov       median {checkov_seconds:6.2f} s ({checkov_cpu:.2f} s CPU) peak {checkov_mib:6.0f} MiB"
    )
    speed, memory = checkov_seconds / seconds, checkov_mib / mib
    print(f"ratio         gavel is {speed:.1f}x faster and uses {memory:.1f}x less memory")


if __name__ == "__main__":
    main()
