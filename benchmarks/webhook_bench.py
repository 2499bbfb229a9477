"""Load the admission webhook over HTTPS on loopback and print latency percentiles and throughput.

    python benchmarks/webhook_bench.py [--workers 2] [--duration 10] [--postgres URL] [--no-postgres]
                                       [--without-evidence] [--in-process N]

Starts `gavel webhook serve` (uvicorn, several worker processes, the built-in policy library,
evidence recording on) with freshly generated TLS material, then offers a mix of Pod, Deployment
and Job AdmissionReviews (the saved reviews under tests/data/admission, each sent with a fresh
uid) in three runs:

  rate    1,000 reviews/s offered, open loop over 50 connections; latency is measured from each
          request's scheduled send time, so a stalled server cannot hide queueing (target p99 <= 10 ms)
  max     as fast as 50 keep-alive connections go (target >= 2,500 reviews/s)
  burst   500 concurrent connections (target: zero errors, p99 <= 200 ms)

`--in-process N` instead judges N reviews of the mix in this process, without HTTP, and prints
the CPU cost per review of each step (parsing, judging, signing, the JSON answer, the evidence
append in group-commit batches): where a review's time goes, free of the load generator.

The load generator is this script's own (asyncio, raw HTTP/1.1 over TLS) and runs on the same
machine, so it takes CPU from the server: the figures are for server plus client on one host.
Once with SQLite and, when 127.0.0.1:5432 answers, once with PostgreSQL as the evidence store.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scratch_postgres import scratch_database

ROOT = Path(__file__).resolve().parent.parent
REVIEWS = ROOT / "tests" / "data" / "admission" / "reviews"
MIX = [  # (saved review, weight): mostly Pods (what controllers create most), then Deployments and Jobs
    ("admission.unprivileged-pod.json", 3),
    ("admission.privileged-pod.json", 1),
    ("admission.guestbook-frontend.json", 2),
    ("admission.privileged-deployment.json", 1),
    ("admission.gpu-job.json", 2),
]


@dataclass
class Result:
    """Latencies of well-formed answers; errors also count answers the failure mode gave (the
    review was not judged, e.g. past the deadline) and, with evidence on, answers without a log
    index (the decision was not confirmed in the evidence log)."""

    recorded: bool
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    unjudged: int = 0
    unrecorded: int = 0
    started: float = 0.0
    finished: float = 0.0

    def answered(self, status: int, body: bytes, latency: float) -> None:
        if status != 200 or b'"uid"' not in body:
            self.errors += 1
            return
        self.latencies.append(latency)
        if b"gavel could not evaluate" in body:
            self.unjudged += 1
        elif self.recorded and b"evidence-index" not in body:
            self.unrecorded += 1

    def report(self, name: str) -> str:
        lat = sorted(self.latencies)
        failed = self.errors + self.unjudged + self.unrecorded
        errors = f"errors={failed} (failure-mode answers {self.unjudged}, unrecorded {self.unrecorded})"
        if not lat:
            return f"{name:<34} no answers, {errors}"

        def pct(p: float) -> float:
            return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000

        rate = len(lat) / (self.finished - self.started)
        return (
            f"{name:<34} n={len(lat):>6} p50={pct(0.50):7.2f}ms p90={pct(0.90):7.2f}ms "
            f"p99={pct(0.99):7.2f}ms max={lat[-1] * 1000:8.2f}ms  {rate:8.0f} reviews/s  {errors}"
        )


def bodies() -> list[bytes]:
    """The weighted mix, each template with a placeholder uid swapped per request."""
    out = []
    for name, weight in MIX:
        document = json.loads((REVIEWS / name).read_text())
        document["request"]["uid"] = "UID-PLACEHOLDER-000000000000000000"
        out.extend([json.dumps(document).encode()] * weight)
    return out


def request_bytes(body: bytes) -> bytes:
    uid = secrets.token_hex(17).encode()
    payload = body.replace(b"UID-PLACEHOLDER-000000000000000000", uid)
    head = (
        "POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


class Connection:
    """One keep-alive HTTPS connection sending a request and reading its response."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int, context: ssl.SSLContext) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context, limit=1 << 20)
        return cls(reader, writer)

    async def exchange(self, data: bytes) -> tuple[int, bytes]:
        self.writer.write(data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def closed_loop(
    port: int, context: ssl.SSLContext, connections: int, duration: float, recorded: bool
) -> Result:
    result = Result(recorded)
    templates = bodies()
    pool = await asyncio.gather(*(Connection.open(port, context) for _ in range(connections)))
    result.started = time.perf_counter()
    stop = result.started + duration

    async def drive(connection: Connection, offset: int) -> None:
        index = offset
        while time.perf_counter() < stop:
            sent = time.perf_counter()
            try:
                status, body = await connection.exchange(request_bytes(templates[index % len(templates)]))
            except (OSError, asyncio.IncompleteReadError, ValueError):
                result.errors += 1
                connection = await Connection.open(port, context)
                continue
            result.answered(status, body, time.perf_counter() - sent)
            index += 1

    await asyncio.gather(*(drive(c, i) for i, c in enumerate(pool)))
    result.finished = time.perf_counter()
    for connection in pool:
        connection.close()
    return result


async def open_loop(
    port: int, context: ssl.SSLContext, rate: float, duration: float, connections: int, recorded: bool
) -> Result:
    result = Result(recorded)
    templates = bodies()
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for connection in await asyncio.gather(*(Connection.open(port, context) for _ in range(connections))):
        idle.put_nowait(connection)
    total = int(rate * duration)
    result.started = time.perf_counter()

    async def one(index: int, scheduled: float) -> None:
        connection = await idle.get()
        try:
            status, body = await connection.exchange(request_bytes(templates[index % len(templates)]))
        except (OSError, asyncio.IncompleteReadError, ValueError):
            result.errors += 1
            idle.put_nowait(await Connection.open(port, context))
            return
        result.answered(status, body, time.perf_counter() - scheduled)
        idle.put_nowait(connection)

    tasks = []
    for index in range(total):
        scheduled = result.started + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index, scheduled)))
    await asyncio.gather(*tasks)
    result.finished = time.perf_counter()
    while not idle.empty():
        idle.get_nowait().close()
    return result


def wait_ready(
    port: int, context: ssl.SSLContext, process: subprocess.Popen[bytes], limit: float = 120
) -> None:
    """Poll /readyz until every worker has loaded its policies (the server process is separate)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"webhook exited with {process.returncode}")
        try:
            with urllib.request.urlopen(
                f"https://127.0.0.1:{port}/readyz", context=context, timeout=2
            ) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("webhook did not become ready")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def phase(name: str, server: int, load: Coroutine[Any, Any, Result]) -> None:
    """Run one load phase on uvloop (the client's CPU is taken from the server's) and report it
    with the CPU per review the server and this client spent."""
    import uvloop

    server_before, client_before = tree_cpu(server), time.process_time()
    result = uvloop.run(load)
    served = max(len(result.latencies), 1)
    server_ms = (tree_cpu(server) - server_before) / served * 1000
    client_ms = (time.process_time() - client_before) / served * 1000
    print(f"{result.report(name)}  cpu/review: server {server_ms:.2f}ms client {client_ms:.2f}ms")


def run(store: str, evidence_url: str, tmp: Path, options: argparse.Namespace) -> None:
    from gavel.server.tls import generate_tls

    tls = tmp / "tls"
    generate_tls("gavel-webhook", "gavel-system", extra_hosts=["127.0.0.1"]).write(tls)
    port = free_port()
    env = {**os.environ, "GAVEL_HOME": str(tmp / "home")}
    command = [
        sys.executable, "-c", "from gavel.commands.webhook import command; command()", "serve",
        "--tls-cert", str(tls / "tls.crt"), "--tls-key", str(tls / "tls.key"), "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(options.workers),
        *(["--no-evidence"] if store == "none" else ["--evidence", evidence_url]),
    ]  # fmt: skip
    log = tmp / "server.log"
    process = subprocess.Popen(command, env=env, stderr=log.open("wb"))
    context = ssl.create_default_context(cafile=str(tls / "ca.crt"))
    try:
        wait_ready(port, context, process)
        recorded = store != "none"
        asyncio.run(closed_loop(port, context, 20, 2.0, recorded))  # warm-up: connections, caches, commits
        print(f"-- evidence store: {store}, {options.workers} workers, built-in library")
        pid, seconds = process.pid, options.duration
        phase(
            "1,000/s offered (target p99<=10ms)", pid, open_loop(port, context, 1000, seconds, 50, recorded)
        )
        phase("50 connections (target >=2,500/s)", pid, closed_loop(port, context, 50, seconds, recorded))
        phase("500 connections (p99<=200ms, 0 err)", pid, closed_loop(port, context, 500, seconds, recorded))
    finally:
        process.terminate()
        process.wait(timeout=30)
        lines = [line for line in log.read_text(errors="replace").splitlines() if " webhook on " not in line]
        if lines:
            print(f"server log: {len(lines)} lines, the first: {lines[0]}")


def in_process(count: int, tmp: Path) -> None:
    """The CPU each step of `/validate` costs per review, on this thread (no HTTP, no client)."""
    from datetime import UTC, datetime

    from gavel.engine.admission import parse_review, review
    from gavel.engine.rego import EmbeddedRuntime
    from gavel.server.webhook import WebhookConfig, WebhookService, kubernetes_resource, review_body

    rego = [0.0]  # CPU inside the Rego runtime, a part of "judge"
    query = EmbeddedRuntime.query

    def timed_query(runtime: EmbeddedRuntime, path: str, document: Any) -> tuple[bool, Any]:
        start = time.thread_time()
        try:
            return query(runtime, path, document)
        finally:
            rego[0] += time.thread_time() - start

    EmbeddedRuntime.query = timed_query  # type: ignore[method-assign]

    config = WebhookConfig(
        evidence_url=f"sqlite:///{tmp / 'evidence.db'}", keys_dir=str(tmp / "keys"), evaluation_threads=1
    )
    service = WebhookService(config)
    assert service.recorder is not None
    store = service.recorder.store  # type: ignore[attr-defined]
    signer = service.recorder.signer  # type: ignore[attr-defined]
    evaluation = service.evaluators.prepared()
    templates = bodies()
    steps = ("parse", "judge", "sign", "answer", "append")
    spent = dict.fromkeys(steps, 0.0)
    batch = []
    warm_up = 50
    for index in range(warm_up + count):
        body = request_bytes(templates[index % len(templates)]).split(b"\r\n\r\n", 1)[1]
        clocks = [time.thread_time()]
        request = parse_review(body)
        clocks.append(time.thread_time())
        now = datetime.now(UTC)
        verdict = review(request, evaluation, service.settings, to_resource=kubernetes_resource, now=now)
        clocks.append(time.thread_time())
        batch.append(service.recorder.sign(verdict, now))
        clocks.append(time.thread_time())
        review_body(verdict.response)
        clocks.append(time.thread_time())
        if len(batch) == 32:  # the group-commit path commits what accumulated, a batch at a time
            store.append(batch, signer)
            batch = []
        clocks.append(time.thread_time())
        if index == warm_up - 1:
            rego[0] = 0.0
        if index >= warm_up:
            for step, start, end in zip(steps, clocks, clocks[1:], strict=False):
                spent[step] += end - start
    service.close()
    cost = {step: total / count * 1000 for step, total in spent.items()}
    shown = "  ".join(f"{step} {ms:.3f}" for step, ms in cost.items())
    print(
        f"in process, {count} reviews of the mix, CPU ms per review: {shown}  total {sum(cost.values()):.3f}"
        f"  (Rego runtime {rego[0] / count * 1000:.3f} of judge)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--without-evidence", action="store_true", help="also run once with recording off")
    parser.add_argument("--in-process", type=int, metavar="N", help="time N reviews in process, step by step")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gavel-webhook-bench-") as tmp:
        if options.in_process:
            in_process(options.in_process, Path(tmp))
            return
        print(f"machine: {os.cpu_count()} CPUs; client and server share them")
        if options.without_evidence:
            run("none", "", Path(tmp) / "none", options)
        run("sqlite", f"sqlite:///{Path(tmp) / 'sqlite' / 'evidence.db'}", Path(tmp) / "sqlite", options)
        if options.no_postgres:
            return
        with scratch_database(options.postgres, "gavel_webhook_bench") as url:
            if url is None:
                print("postgresql: skipped (127.0.0.1:5432 unreachable)")
                return
            run("postgresql", url, Path(tmp) / "pg", options)


if __name__ == "__main__":
    main()
