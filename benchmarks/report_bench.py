"""Benchmark `gavel report` over a store of 1,000,000 decisions (target: <= 30 s and <= 1 GiB).

    python benchmarks/report_bench.py [--decisions 1000000] [--store sqlite:///PATH] [--keep]

Fill: decisions shaped by the real builders (engine `Decision`s with findings and waivers from the
built-in library, turned into in-toto statements by `decision_document`), 90% admission
decisions on one Kubernetes object and 10% check runs on five S3 buckets, spread over 90 days
and 5,000 workloads. Each template statement is built once; per record only the record id, the
evaluation time and the resource names change, and every record is signed and appended through
the store's own `append` in batches (entries, Merkle nodes, checkpoints and report index rows
exactly as the webhook writes them).

Then child processes, each measured for wall time, CPU time and peak RSS: the aggregation and all
five formats rendered from the index alone; `gavel report` twice with a fresh `GAVEL_HOME` (the
first verifies every signature, node and index row and saves the verified state, the second only
re-hashes what the first verified, which is the 30 s target); and `gavel evidence verify` in full
and with `--incremental`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 30.0
TARGET_MIB = 1024
BATCH = 10_000
WORKLOADS = 5_000
DAYS = 90
START = datetime(2026, 1, 1, tzinfo=UTC)
RECORD_ID = "0000000-record-id-placeholder-000000"
TIME = "2000-01-01T00:00:00.000Z"
NAME = "workload-placeholder"


def templates() -> tuple[str, list[tuple[bytes, str, int]]]:
    """The library digest, and (statement with placeholders, verdict, weight) per shape of decision."""
    from gavel.engine.loader import BUILTIN_LIBRARY, load_policy_set
    from gavel.engine.models import Decision, Finding, GatePolicy, Outcome, ResourceRef, Severity, Waiver
    from gavel.evidence.canonical import canonical_bytes
    from gavel.evidence.records import gavel_version
    from gavel.evidence.statement import decision_document

    library = load_policy_set([BUILTIN_LIBRARY])
    ids, digest = tuple(p.id for p in library.policies), library.digest()
    pod = ResourceRef(f"kubernetes:ml-train/Pod/{NAME}", "Pod", "admission")
    buckets = [
        ResourceRef(f"terraform:aws_s3_bucket.{NAME}_{i}", "aws_s3_bucket", "plan.json", 10 + i)
        for i in range(5)
    ]
    waiver = Waiver(
        "s3_bucket_tls_only",
        {"kind": "aws_s3_bucket"},
        "Legacy clients until Q2.",
        "data-team",
        date(2026, 4, 15),
        "W-7",
    )

    def finding(
        policy: str,
        severity: Severity,
        ref: ResourceRef,
        outcome: Outcome = Outcome.VIOLATION,
        waived: bool = False,
    ) -> Finding:
        return Finding(
            policy,
            policy,
            severity,
            outcome,
            ref,
            f"{ref.id} fails {policy}",
            waiver=waiver if waived else None,
        )

    def decision(findings: tuple[Finding, ...], resources: tuple[ResourceRef, ...], passed: bool) -> Decision:
        return Decision(
            findings,
            resources,
            0.0,
            GatePolicy(),
            passed,
            () if passed else ("denied",),
            (),
            ids,
            digest,
            "embedded",
            START,
        )

    admission = {
        "enforcement_point": "gavel-admission-webhook",
        "admission": {
            "uid": RECORD_ID,
            "operation": "CREATE",
            "kind": "Pod",
            "namespace": "ml-train",
            "name": NAME,
            "user": "system:serviceaccount:argo:workflow",
            "dry_run": False,
        },
        "allowed": False,
        "message": f"gavel denied Pod ml-train/{NAME}",
    }
    shapes = [
        (
            decision((finding("gpu_personal_data_in_eea", Severity.CRITICAL, pod),), (pod,), False),
            admission,
            20,
        ),
        (
            decision(
                (finding("k8s_gpu_approved_placement", Severity.MEDIUM, pod, Outcome.WARNING),), (pod,), True
            ),
            {**admission, "allowed": True},
            50,
        ),
        (decision((), (pod,), True), {**admission, "allowed": True}, 20),
        (
            decision(
                (
                    finding("s3_bucket_sse", Severity.MEDIUM, buckets[0]),
                    finding("personal_data_storage_location", Severity.CRITICAL, buckets[1]),
                    finding("s3_bucket_tls_only", Severity.MEDIUM, buckets[2], waived=True),
                ),
                tuple(buckets),
                False,
            ),
            {"command": "check", "paths": ["plan.json"], "skipped": []},
            10,
        ),
    ]
    built = []
    for made, context, weight in shapes:
        statement = decision_document(
            made,
            record_id=RECORD_ID,
            origin="ORIGIN",
            subject_digests={"input": "cd" * 32},
            context=context,
            environment={},
            gavel_version=gavel_version(),
        )
        payload = canonical_bytes(statement)
        built.append(
            (
                payload.replace(START.strftime("%Y-%m-%dT%H:%M:%S.000Z").encode(), TIME.encode()),
                "allow" if made.passed else "deny",
                weight,
            )
        )
    return digest, built


def fill(url: str, decisions: int, keys_dir: Path) -> float:
    from gavel.evidence.dsse import IN_TOTO_PAYLOAD_TYPE, sign_envelope
    from gavel.evidence.keys import generate_key
    from gavel.evidence.records import new_record_id
    from gavel.evidence.statement import DECISION_PREDICATE, rfc3339_millis
    from gavel.evidence.store import EvidenceStore
    from gavel.evidence.tables import EntryCreate

    signer = generate_key(keys_dir)
    digest, shapes = templates()
    cycle = [(payload, verdict) for payload, verdict, weight in shapes for _ in range(weight)]
    step = timedelta(days=DAYS) / decisions
    started = time.perf_counter()
    with EvidenceStore.open(url, origin="gavel.dev/evidence/report-bench") as store:
        origin = store.origin.encode()
        for first in range(0, decisions, BATCH):
            records = []
            for n in range(first, min(first + BATCH, decisions)):
                template, verdict = cycle[n % len(cycle)]
                record_id = new_record_id()
                payload = (
                    template.replace(RECORD_ID.encode(), record_id.encode())
                    .replace(TIME.encode(), rfc3339_millis(START + step * n).encode())
                    .replace(NAME.encode(), f"train-{n % WORKLOADS}".encode())
                    .replace(b'"ORIGIN"', b'"' + origin + b'"')
                )
                envelope = sign_envelope(IN_TOTO_PAYLOAD_TYPE, payload, [signer]).to_bytes()
                records.append(
                    EntryCreate(
                        envelope=envelope,
                        record_id=record_id,
                        key_id=signer.key_id,
                        predicate_type=DECISION_PREDICATE,
                        decision=verdict,
                        policy_digest=digest,
                    )
                )
            store.append(records, signer)
            done = min(first + BATCH, decisions)
            if done % 100_000 == 0 or done == decisions:
                print(f"  filled {done:,} decisions ({time.perf_counter() - started:.0f} s)", flush=True)
    return time.perf_counter() - started


def render_child(url: str, keys_dir: str, out: str) -> None:
    """Aggregate from the index and render every format, trusting the store unverified (timed part)."""
    from gavel.engine.loader import BUILTIN_LIBRARY, load_policy_set
    from gavel.engine.posture import StoreIntegrity
    from gavel.evidence.audit_summary import checkpoint_at, summarise
    from gavel.evidence.queries import Scope
    from gavel.evidence.store import EvidenceStore
    from gavel.reports.audit.base import AUDIT_FORMATS, get_audit_format

    library = load_policy_set([BUILTIN_LIBRARY])
    frameworks = sorted({r.framework for p in library.policies for r in p.metadata.regulations})
    with EvidenceStore.open(url) as store:
        with store.snapshot() as connection:
            size = int(store.state(connection).tree_size)
        integrity = StoreIntegrity(store.origin, True, size, 1, None, checkpoint_at(store, size))
        scope = Scope([p.metadata for p in library.policies], frameworks, None, None, size, False)
        summary = summarise(
            store,
            scope,
            integrity=integrity,
            generated_at=datetime.now(UTC),
            tool_version="bench",
            policy_set_digest=library.digest(),
        )
    for name in AUDIT_FORMATS:
        report = get_audit_format(name)
        (Path(out) / report.file_name).write_bytes(report.render(summary))


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS (MiB) and exit code of one child (`wait4` gives its own rusage).

    CPU time is printed beside wall time because the benchmark machine is usually shared.
    """
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - started, cpu, usage.ru_maxrss / 1024, child.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--store", help="Existing store URL to report on (skips the fill), e.g. from --keep.")
    parser.add_argument("--keys", help="Keys folder of --store.")
    parser.add_argument("--keep", action="store_true", help="Keep the filled store and print its URL.")
    parser.add_argument("--child", nargs=3, metavar=("URL", "KEYS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        render_child(*args.child)
        return
    folder = Path(tempfile.mkdtemp(prefix="gavel-report-bench-"))
    url, keys = args.store, Path(args.keys) if args.keys else folder / "keys"
    if url is None:
        url = f"sqlite:///{folder / 'evidence.db'}"
        print(f"filling {args.decisions:,} decisions into {url}")
        seconds = fill(url, args.decisions, keys)
        print(f"fill: {seconds:.0f} s ({args.decisions / seconds:,.0f} decisions/s, not part of the target)")
    env = {**os.environ, "GAVEL_HOME": str(folder / "home")}
    out = folder / "out"
    out.mkdir(exist_ok=True)
    seconds, cpu, mib, code = measured([sys.executable, __file__, "--child", url, str(keys), str(out)], env)
    assert code == 0, "rendering failed"
    sizes = ", ".join(f"{p.name} {p.stat().st_size // 1024} KiB" for p in sorted(out.iterdir()))
    print(
        f"aggregate + render 5 formats: {seconds:.1f} s wall, {cpu:.1f} s CPU "
        f"(target {TARGET_SECONDS:.0f} s, ratio {seconds / TARGET_SECONDS:.2f}), "
        f"peak {mib:.0f} MiB (target {TARGET_MIB} MiB, ratio {mib / TARGET_MIB:.2f})"
    )
    print(f"  {sizes}")
    formats = [arg for name in ("html", "md", "oscal", "policyreport", "json") for arg in ("--format", name)]
    gavel = shutil.which("gavel") or str(Path(sys.executable).parent / "gavel")
    store = ["--evidence", url, "--trusted-keys", str(keys)]
    runs = [
        ("gavel report, first (full verification, state saved)", ["report", *store, *formats]),
        ("gavel report, second (incremental verification)", ["report", *store, *formats]),
        ("gavel evidence verify (full)", ["evidence", "verify", *store]),
        ("gavel evidence verify --incremental", ["evidence", "verify", "--incremental", *store]),
    ]
    for label, arguments in runs:
        extra = ["--out", str(folder / "full"), "--no-evidence"] if arguments[0] == "report" else []
        seconds, cpu, mib, code = measured([gavel, *arguments, *extra], env)
        print(f"{label}: {seconds:.1f} s wall, {cpu:.1f} s CPU, peak {mib:.0f} MiB, exit {code}", flush=True)
    if args.keep or args.store:
        print(f"store kept: --store {url} --keys {keys}")
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
