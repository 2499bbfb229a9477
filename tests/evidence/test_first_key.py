"""The first signing key of a new keys folder, made by several processes at once (the webhook's
workers start together): all of them must end up signing with the same key."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from gavel.evidence.keys import ACTIVE_FILE, load_or_create_signer, load_signer

PROCESSES = 8


def _first_key(keys_dir: Path, start: object, results: object) -> None:
    start.wait()  # type: ignore[attr-defined]
    signer, notice = load_or_create_signer(keys_dir)
    results.put((signer.key_id, notice is not None))  # type: ignore[attr-defined]


def test_processes_racing_for_the_first_key_all_sign_with_one(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    keys_dir = tmp_path / "keys"
    for _ in range(5):  # several rounds: the race is lost only sometimes when it is broken
        start, results = context.Barrier(PROCESSES), context.Queue()
        workers = [
            context.Process(target=_first_key, args=(keys_dir, start, results)) for _ in range(PROCESSES)
        ]
        for worker in workers:
            worker.start()
        answers = [results.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
            assert worker.exitcode == 0
        active = load_signer(keys_dir).key_id
        assert {key_id for key_id, _ in answers} == {active}
        assert sum(generated for _, generated in answers) == 1
        assert sorted(p.name for p in keys_dir.iterdir()) == sorted(
            [ACTIVE_FILE, f"{active}.key", f"{active}.pub"]
        )
        for path in keys_dir.iterdir():
            path.unlink()
