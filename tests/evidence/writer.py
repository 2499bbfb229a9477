"""A separate writer process for the concurrency and crash tests.

Usage: python -m tests.evidence.writer URL KEYS_DIR COUNT THREADS
Appends COUNT decisions through a group-commit appender fed by THREADS threads and prints
`<index> <record digest>` for each record as soon as its append is acknowledged.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from gavel.evidence.appender import GroupAppender
from gavel.evidence.keys import load_signer
from gavel.evidence.records import decision_record
from gavel.evidence.store import EvidenceStore

from .conftest import SUBJECTS, make_decision


def main(url: str, keys_dir: str, count: int, threads: int) -> None:
    signer = load_signer(Path(keys_dir))
    store = EvidenceStore.open(url)
    lock = threading.Lock()

    def work(share: int) -> None:
        for n in range(share):
            record = decision_record(
                make_decision(passed=n % 2 == 0),
                signer=signer,
                origin=store.origin,
                subject_digests=SUBJECTS,
                context={"n": n},
                environment={},
            )
            receipt = appender.append(record)
            with lock:
                sys.stdout.write(f"{receipt.log_index} {receipt.record_digest}\n")
                sys.stdout.flush()

    with GroupAppender(store, signer) as appender:
        workers = [threading.Thread(target=work, args=(count // threads,)) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    store.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
