"""Load the admission webhook over HTTPS on loopback and print latency percentiles and throughput.

    python benchmarks/webhook_bench.py [--workers 2] [--duration 10] [--postgres URL] [--no-postgres]
                                       [--without-evidence]

Starts `gavel webhook serve` (uvicorn, several worker processes, the built-in policy library,
evidence recording on) with freshly generated TLS material, then offers a mix of Pod, Deployment
and Job AdmissionReviews (the saved reviews under tests/data/admission, each sent with a fresh
uid) in three runs:

  rate    1,000 reviews/s offered, open loop over 50 connections; latency is measured from each
          request's scheduled send time, so a stalled server cannot hide queueing (target p99 <= 10 ms)
  max     as fast as 50 keep-alive connections go (target >= 2,500 reviews/s)
  burst   500 concurrent connections (target: zero errors, p99 <= 200 ms)

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
from dataclasses import dataclass, field
from pathlib import Path

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
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    started: float = 0.0
    finished: float = 0.0

    def report(self, name: str) -> str:
        lat = sorted(self.latencies)
        if not lat:
            return f"{name:<34} no successful requests, errors={self.errors}"

        def pct(p: float) -> float:
            return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000

        rate = len(lat) / (self.finished - self.started)
        return (
            f"{name:<34} n={len(lat):>6} p50={pct(0.50):7.2f}ms p90={pct(0.90):7.2f}ms "
            f"p99={pct(0.99):7.2f}ms max={lat[-1] * 1000:8.2f}ms  {rate:8.0f} reviews/s  errors={self.errors}"
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

    async def exchange(self, data: bytes) -> bool:
        self.writer.write(data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = await self.reader.readexactly(length)
        return status == 200 and b'"uid"' in body

    def close(self) -> None:
        self.writer.close()


async def closed_loop(port: int, context: ssl.SSLContext, connections: int, duration: float) -> Result:
    result = Result()
    templates = bodies()
    pool = await asyncio.gather(*(Connection.open(port, context) for _ in range(connections)))
    result.started = time.perf_counter()
    stop = result.started + duration

    async def drive(connection: Connection, offset: int) -> None:
        index = offset
        while time.perf_counter() < stop:
            sent = time.perf_counter()
            try:
                ok = await connection.exchange(request_bytes(templates[index % len(templates)]))
            except (OSError, asyncio.IncompleteReadError, ValueError):
                result.errors += 1
                connection = await Connection.open(port, context)
                continue
            if ok:
                result.latencies.append(time.perf_counter() - sent)
            else:
                result.errors += 1
            index += 1

    await asyncio.gather(*(drive(c, i) for i, c in enumerate(pool)))
    result.finished = time.perf_counter()
    for connection in pool:
        connection.close()
    return result


async def open_loop(
    port: int, context: ssl.SSLContext, rate: float, duration: float, connections: int
) -> Result:
    result = Result()
    templates = bodies()
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for connection in await asyncio.gather(*(Connection.open(port, context) for _ in range(connections))):
        idle.put_nowait(connection)
    total = int(rate * duration)
    result.started = time.perf_counter()

    async def one(index: int, scheduled: float) -> None:
        connection = await idle.get()
        try:
            ok = await connection.exchange(request_bytes(templates[index % len(templates)]))
        except (OSError, asyncio.IncompleteReadError, ValueError):
            result.errors += 1
            idle.put_nowait(await Connection.open(port, context))
            return
        if ok:
            result.latencies.append(time.perf_counter() - scheduled)
        else:
            result.errors += 1
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
    process = subprocess.Popen(command, env=env)
    context = ssl.create_default_context(cafile=str(tls / "ca.crt"))
    try:
        wait_ready(port, context, process)
        asyncio.run(closed_loop(port, context, 20, 2.0))  # warm-up: connections, caches, first commits
        print(f"-- evidence store: {store}, {options.workers} workers, built-in library")
        rate = asyncio.run(open_loop(port, context, 1000, options.duration, 50))
        print(rate.report("1,000/s offered (target p99<=10ms)"))
        peak = asyncio.run(closed_loop(port, context, 50, options.duration))
        print(peak.report("50 connections (target >=2,500/s)"))
        burst = asyncio.run(closed_loop(port, context, 500, options.duration))
        print(burst.report("500 connections (p99<=200ms, 0 err)"))
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--without-evidence", action="store_true", help="also run once with recording off")
    options = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs; client and server share them")
    with tempfile.TemporaryDirectory(prefix="gavel-webhook-bench-") as tmp:
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
