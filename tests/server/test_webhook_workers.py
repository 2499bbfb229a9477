"""`gavel webhook serve --workers N` as users run it: separate processes sharing one port and one
SQLite evidence store, stopped by a signal, and brought down whole when a worker dies."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from gavel.evidence.keys import load_trusted_keys
from gavel.evidence.store import EvidenceStore
from gavel.evidence.store_verify import verify_store
from gavel.server.tls import generate_tls

ADMISSION = Path(__file__).parent.parent / "data" / "admission"
REVIEWS = ADMISSION / "reviews"
START_TIMEOUT = 120.0


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str
    context: ssl.SSLContext
    evidence_url: str
    keys_dir: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _workers(pid: int) -> list[int]:
    """Worker pids: spawned children of `pid` (read from /proc, as `ps` does; not the resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in command:
                found.append(int(entry.name))
    return found


@contextmanager
def serving(tmp_path: Path, workers: int) -> Iterator[Served]:
    tls = tmp_path / "tls"
    generate_tls("gavel-webhook", "gavel-system", extra_hosts=["127.0.0.1"]).write(tls)
    port = _free_port()
    evidence_url = f"sqlite:///{tmp_path / 'evidence.db'}"
    command = [
        sys.executable, "-c", "from gavel.cli import main; main()", "webhook", "serve",
        "--tls-cert", str(tls / "tls.crt"), "--tls-key", str(tls / "tls.key"),
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--evidence", evidence_url,
        "--policies", str(ADMISSION / "policies"),
    ]  # fmt: skip
    env = {**os.environ, "GAVEL_HOME": str(tmp_path / "home")}
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    context = ssl.create_default_context(cafile=str(tls / "ca.crt"))
    url = f"https://127.0.0.1:{port}"
    try:
        _wait_ready(process, url, context)
        yield Served(process, url, context, evidence_url, tmp_path / "home" / "keys")
    except BaseException as error:  # a failure shows what the server said
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        said = process.stderr.read().decode(errors="replace") if process.stderr else ""
        error.add_note(f"server exit {process.returncode}, stderr:\n{said[-4000:]}")
        raise
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def _wait_ready(process: subprocess.Popen[bytes], url: str, context: ssl.SSLContext) -> None:
    """Poll /readyz until every worker that answers has its policies loaded (bounded)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"server exited early: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            if httpx.get(f"{url}/readyz", verify=context, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"webhook not ready within {START_TIMEOUT} s")


def _review(uid: str) -> bytes:
    document = json.loads((REVIEWS / "admission.privileged-pod.json").read_bytes())
    document["request"]["uid"] = uid
    return json.dumps(document).encode()


def test_workers_share_the_port_and_one_verifiable_evidence_log(tmp_path: Path) -> None:
    with serving(tmp_path, workers=2) as served:
        assert len(_workers(served.process.pid)) == 2
        answers = []
        for index in range(40):  # a fresh connection each: the kernel spreads them over the workers
            with httpx.Client(base_url=served.url, verify=served.context, timeout=30) as client:
                answers.append(client.post("/validate", content=_review(f"uid-{index}")).json())
        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(timeout=30) == 0

    assert [a["response"]["uid"] for a in answers] == [f"uid-{i}" for i in range(40)]
    assert not any(a["response"]["allowed"] for a in answers)
    indexes = sorted(int(a["response"]["auditAnnotations"]["evidence-index"]) for a in answers)
    assert indexes == list(range(40))
    with EvidenceStore.open(served.evidence_url) as store:
        report = verify_store(store, load_trusted_keys(served.keys_dir), full=True).report
    assert report.size == 40
    assert report.decisions["deny"] == 40


def test_a_dead_worker_takes_the_server_down_for_the_orchestrator_to_restart(tmp_path: Path) -> None:
    with serving(tmp_path, workers=2) as served:
        worker = _workers(served.process.pid)[0]
        os.kill(worker, signal.SIGKILL)
        assert served.process.wait(timeout=30) == 1
        assert served.process.stderr is not None
        assert "exited with status -9; stopping the server" in served.process.stderr.read().decode()


def test_a_taken_port_is_a_one_line_usage_error(tmp_path: Path) -> None:
    tls = tmp_path / "tls"
    generate_tls("gavel-webhook", "gavel-system").write(tls)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [
            sys.executable, "-c", "from gavel.cli import main; main()", "webhook", "serve",
            "--tls-cert", str(tls / "tls.crt"), "--tls-key", str(tls / "tls.key"),
            "--host", "127.0.0.1", "--port", str(port), "--no-evidence",
        ]  # fmt: skip
        result = subprocess.run(
            command,
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "GAVEL_HOME": str(tmp_path / "home")},
        )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"gavel: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]
