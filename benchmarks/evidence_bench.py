"""Evidence store throughput: appends with 8 concurrent writer processes, and offline verification.

Usage: python benchmarks/evidence_bench.py [--records-per-writer N] [--postgres URL]

For SQLite and PostgreSQL it prints appended records/s with group commit (each writer process
submits its records concurrently to a `GroupAppender`) next to one commit per record, then the
offline verifier's records/s over an exported bundle. Records are built and signed before the
timed window opens; the window covers only making them durable. Targets (issue 3): >= 5,000
appended records/s and >= 5,000 verified records/s.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from scratch_postgres import scratch_database

from gavel.engine.models import Decision, Finding, GatePolicy, Outcome, ResourceRef, Severity
from gavel.evidence.appender import GroupAppender
from gavel.evidence.export import export_bundle
from gavel.evidence.keys import generate_key, load_signer, load_trusted_keys
from gavel.evidence.offline import verify_bundle
from gavel.evidence.records import decision_record
from gavel.evidence.store import EvidenceStore

WRITERS = 8


def sample_decision(n: int) -> Decision:
    bucket = ResourceRef(f"aws_s3_bucket.data_{n}", "aws_s3_bucket", "tfplan.json", 10)
    finding = Finding(
        "encryption-at-rest",
        "Buckets are encrypted",
        Severity.HIGH,
        Outcome.VIOLATION,
        bucket,
        "bucket holds personal data without a customer-managed key",
    )
    return Decision(
        (finding,),
        (bucket,),
        5.0,
        GatePolicy(),
        False,
        ("1 high finding",),
        (),
        ("encryption-at-rest",),
        "sha256:" + "ab" * 32,
        "embedded",
        datetime.now(UTC),
    )


def writer(url: str, keys_dir: str, count: int, grouped: bool, barrier: object, results: object) -> None:
    signer = load_signer(Path(keys_dir))
    store = EvidenceStore.open(url)
    records = [
        decision_record(
            sample_decision(n),
            signer=signer,
            origin=store.origin,
            subject_digests={"tfplan.json": "cd" * 32},
            context={},
            environment={},
        )
        for n in range(count)
    ]
    barrier.wait()  # type: ignore[attr-defined]
    started = time.time()
    if grouped:
        with GroupAppender(store, signer) as appender:
            for future in [appender.submit(record) for record in records]:
                future.result()
    else:
        for record in records:
            store.append([record], signer)
    results.put((started, time.time()))  # type: ignore[attr-defined]
    store.close()


def appends_per_second(url: str, keys_dir: Path, per_writer: int, grouped: bool) -> float:
    EvidenceStore.open(url).close()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(WRITERS), context.Queue()
    processes = [
        context.Process(target=writer, args=(url, str(keys_dir), per_writer, grouped, barrier, results))
        for _ in range(WRITERS)
    ]
    for process in processes:
        process.start()
    spans: list[tuple[float, float]] = [results.get() for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"a writer failed with exit code {process.exitcode}")
    return WRITERS * per_writer / (max(end for _, end in spans) - min(start for start, _ in spans))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records-per-writer", type=int, default=2000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    options = parser.parse_args()
    per_writer = options.records_per_writer
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        keys_dir = root / "keys"
        generate_key(keys_dir)
        print(f"{WRITERS} writer processes, {per_writer} records each")
        grouped_url = f"sqlite:///{root / 'grouped.db'}"
        rows = [("sqlite", grouped_url, f"sqlite:///{root / 'single.db'}")]
        with (
            scratch_database(options.postgres, "gavel_bench") as grouped_pg,
            scratch_database(options.postgres, "gavel_bench") as single_pg,
        ):
            if grouped_pg and single_pg:
                rows.append(("postgresql", grouped_pg, single_pg))
            else:
                print("postgresql: skipped (127.0.0.1:5432 unreachable)")
            for backend, grouped, single in rows:
                group_rate = appends_per_second(grouped, keys_dir, per_writer, grouped=True)
                single_rate = appends_per_second(single, keys_dir, max(per_writer // 10, 50), grouped=False)
                print(
                    f"{backend:<11} group commit {group_rate:>9,.0f} appends/s   "
                    f"one commit per record {single_rate:>7,.0f} appends/s"
                )
        with EvidenceStore.open(grouped_url) as store:
            bundle = export_bundle(store, root / "bundle.tar.gz").path
        trusted = load_trusted_keys(keys_dir)
        started = time.perf_counter()
        report = verify_bundle(bundle, trusted)
        elapsed = time.perf_counter() - started
        rate = report.size / elapsed
        print(f"offline verify-bundle {rate:>9,.0f} records/s ({report.size} records, one core)")


if __name__ == "__main__":
    main()
