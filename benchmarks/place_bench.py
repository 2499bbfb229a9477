"""Benchmark `gavel place` on a 10,000-candidate catalog built from the example's GPU SKUs.

    python benchmarks/place_bench.py [--candidates 10000] [--runs 3]

The catalog repeats every SKU of examples/placement/catalog.yaml in every compute region of its
cloud (regions table) and each of three zones, as a node pool and as a VM, with a deterministic
regional price spread and spot prices on some entries, until it holds the requested number of
candidates. It is written as JSON, as a pricing export would be. Two scenarios, each the median
of --runs runs of the real command line (`gavel place ... --no-evidence`, new process, built-in
library, output discarded):

- typical: the example workload (personal data, 8 x H100) over the catalog; the target is 2 s;
- nothing complies: no candidate offers customer-managed keys, so every fitting candidate is
  judged and the smallest change is searched (worst case, reported, no target).

Prints wall and CPU time (CPU is the steadier figure on a shared machine), placements judged vs.
total, policy evaluations, and the ratio to the target.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "placement"
TARGET_SECONDS = 2.0


def _spread(*parts: str) -> float:
    """A stable factor in [0.9, 1.25) per (sku, region, zone): regional price differences."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return 0.9 + (digest[0] / 255) * 0.35


def _zones(cloud: str, region: str) -> list[str]:
    if cloud == "azure":
        return ["1", "2", "3"]
    return [f"{region}{letter}" for letter in "abc"] if cloud == "aws" else [f"{region}-{z}" for z in "abc"]


def build_catalog(count: int, cmk: bool = True) -> dict[str, Any]:
    example = yaml.safe_load((EXAMPLES / "catalog.yaml").read_text())
    regions = yaml.safe_load((ROOT / "policies" / "data" / "regions.yaml").read_text())
    skus = {(c["cloud"], c["instance_type"]): c for c in example["candidates"]}
    candidates: list[dict[str, Any]] = []
    while len(candidates) < count:
        for (cloud, instance_type), sku in sorted(skus.items()):
            for region, entry in regions.items():
                if entry.get("cloud") != cloud or entry.get("multi_region"):
                    continue
                for zone in _zones(cloud, region):
                    for pool in (sku.get("node_pool") or "gpu", None):
                        factor = _spread(instance_type, region, zone, str(len(candidates) // 50_000))
                        candidate = {
                            "id": f"{zone}-{instance_type}-{'pool' if pool else 'vm'}-{len(candidates)}",
                            "cloud": cloud,
                            "region": region,
                            "zone": zone,
                            "instance_type": instance_type,
                            "accelerator": sku["accelerator"],
                            "memory_gib": sku["memory_gib"],
                            "encryption": ["provider-managed", "cmk"] if cmk else ["provider-managed"],
                            "hourly_cost": round(sku["hourly_cost"] * factor, 2),
                        }
                        if pool:
                            candidate["node_pool"] = pool
                        if sku.get("gpu_sharing"):
                            candidate["gpu_sharing"] = sku["gpu_sharing"]
                        if factor < 1.0:
                            candidate["spot"] = {
                                "price": round(sku["hourly_cost"] * 0.4, 2),
                                "availability": 0.7,
                            }
                        candidates.append(candidate)
                        if len(candidates) == count:
                            return {
                                "currency": "USD",
                                "prices": "benchmark spread of the example",
                                "candidates": candidates,
                            }
    return {"currency": "USD", "candidates": candidates}


def run_place(workload: Path, catalog: Path) -> tuple[float, float, dict[str, Any]]:
    """Wall time, CPU time (user + system) and the JSON answer of one `gavel place` process."""
    gavel = Path(sys.executable).with_name("gavel")
    command = [str(gavel), "place", "--workload", str(workload), "--catalog", str(catalog)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([*command, "--no-evidence", "--format", "json"], capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"gavel place failed ({done.returncode}): {done.stderr.decode()}")
    return elapsed, cpu, json.loads(done.stdout)


def scenario(name: str, workload: Path, catalog: Path, runs: int, target: float | None) -> None:
    walls, cpus = [], []
    summary: dict[str, Any] = {}
    for _ in range(runs):
        elapsed, cpu, document = run_place(workload, catalog)
        walls.append(elapsed)
        cpus.append(cpu)
        summary = document["summary"]
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(
        f"{name}: wall {wall:.2f} s (min {min(walls):.2f}), cpu {cpu:.2f} s, median of {runs}; "
        f"judged {summary['judged']} of {summary['offers']} placements from {summary['candidates']} "
        f"candidates, {summary['evaluations']} policy evaluations; compliant: {summary['compliant']}"
    )
    if target is not None:
        met = "met" if wall <= target else "MISSED"
        print(
            f"  target {target:.1f} s: wall/target {wall / target:.2f} ({met}), cpu/target {cpu / target:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        typical = Path(folder) / "catalog.json"
        typical.write_text(json.dumps(build_catalog(args.candidates)))
        no_cmk = Path(folder) / "catalog-no-cmk.json"
        no_cmk.write_text(json.dumps(build_catalog(args.candidates, cmk=False)))
        print(f"catalogs: {args.candidates} candidates each ({typical.stat().st_size // 1024} KiB JSON)")
        scenario("typical", EXAMPLES / "workload.yaml", typical, args.runs, TARGET_SECONDS)
        scenario("nothing complies", EXAMPLES / "workload.yaml", no_cmk, args.runs, None)


if __name__ == "__main__":
    main()
