"""Eight writer processes at once lose nothing and leave no gap; kill -9 loses nothing acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gavel.evidence.keys import Signer, load_trusted_keys
from gavel.evidence.store import EvidenceStore
from gavel.evidence.store_verify import verify_store

ROOT = Path(__file__).resolve().parents[2]
PROCESSES, PER_PROCESS, THREADS = 8, 120, 4


def writer(url: str, keys_dir: Path, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.evidence.writer", url, str(keys_dir), str(count), str(THREADS)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def acknowledged(lines: str) -> dict[int, str]:
    receipts: dict[int, str] = {}
    for line in lines.splitlines():
        index, digest = line.split()
        assert index not in receipts
        receipts[int(index)] = digest
    return receipts


def stored(store: EvidenceStore) -> dict[int, str]:
    with store.snapshot() as connection:
        return {row.idx: f"sha256:{row.envelope_sha256}" for row in store.entry_rows(connection)}


@pytest.mark.slow
def test_eight_processes_append_without_loss_or_gap(store_url: str, signer: Signer, keys_dir: Path) -> None:
    EvidenceStore.open(store_url).close()
    processes = [writer(store_url, keys_dir, PER_PROCESS) for _ in range(PROCESSES)]
    receipts: dict[int, str] = {}
    for process in processes:
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, err
        batch = acknowledged(out)
        assert not receipts.keys() & batch.keys(), "two writers were given the same index"
        receipts |= batch
    total = PROCESSES * PER_PROCESS
    assert sorted(receipts) == list(range(total))
    with EvidenceStore.open(store_url) as store:
        assert stored(store) == receipts
        assert verify_store(store, load_trusted_keys(keys_dir), full=True).report.size == total


@pytest.mark.slow
def test_kill_minus_nine_mid_batch_keeps_every_acknowledged_record(
    store_url: str, signer: Signer, keys_dir: Path
) -> None:
    EvidenceStore.open(store_url).close()
    process = writer(store_url, keys_dir, 1_000_000)
    assert process.stdout is not None
    lines = []
    while len(lines) < 300:
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else "writer ended early"
        lines.append(line)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    receipts = acknowledged("".join(lines))
    with EvidenceStore.open(store_url) as store:
        present = stored(store)
        assert all(present.get(index) == digest for index, digest in receipts.items())
        assert sorted(present) == list(range(len(present)))
        verified = verify_store(store, load_trusted_keys(keys_dir), full=True).report
        assert verified.size == len(present) >= len(receipts)
