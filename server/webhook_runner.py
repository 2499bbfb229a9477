"""Running the webhook app under uvicorn over TLS: several worker processes, or one in a thread.

`run_workers` is what `gavel webhook serve` calls: it starts worker processes that each build the
app from `GAVEL_WEBHOOK_CONFIG` and listen on the same port. `WebhookServer` serves from a thread on a
socket bound (and listening) at construction, so a client can connect as soon as it exists and
`wait_ready()` returns once the policies are loaded: tests and benchmarks never sleep.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import tempfile
from collections.abc import Callable, Sequence
from multiprocessing.process import BaseProcess
from pathlib import Path

from ..engine.errors import UsageError
from .uvicorn_thread import ServerThread, bound_socket
from .webhook import CONFIG_ENVIRONMENT, WebhookConfig, WebhookService, create_app

log = logging.getLogger("gavel.webhook")


def run_workers(
    config: WebhookConfig,
    *,
    host: str,
    port: int,
    workers: int,
    cert: Path,
    key: Path,
    announce: Callable[[str], None] = log.warning,
) -> int:
    """Serve HTTPS with `workers` processes until interrupted; the exit status to end with.

    Each worker listens on its own socket with SO_REUSEPORT, so the kernel spreads connections
    evenly. With one shared listening socket (uvicorn's own supervisor) whichever worker wins
    `accept()` keeps most of the API server's keep-alive connections while the other cores idle.
    A worker that dies takes the server down (status 1) so Kubernetes restarts the pod rather
    than leaving it serving at a fraction of its capacity.
    """
    os.environ[CONFIG_ENVIRONMENT] = config.to_json()
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="gavel-metrics-")
    # Bound but never listening: reserves the port and reports a taken one here, once, while the
    # kernel hands connections only to the workers' listening sockets.
    with bound_socket(host, port, reuse_port=True) as reservation:
        port = reservation.getsockname()[1]
        spawn = multiprocessing.get_context("spawn")
        processes = [
            spawn.Process(target=_serve_one, args=(host, port, cert, key), name=f"gavel-webhook-{index}")
            for index in range(workers)
        ]
        for process in processes:
            process.start()
        announce(f"admission webhook on https://{host}:{port}/validate ({workers} workers)")
        return _supervise(processes)


def _serve_one(host: str, port: int, cert: Path, key: Path) -> None:
    """One worker process: the app from `GAVEL_WEBHOOK_CONFIG` on its own SO_REUSEPORT socket."""
    import uvicorn

    config = uvicorn.Config(
        "gavel.server.webhook:app_from_environment",
        factory=True,
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
        log_level="warning",
        access_log=False,
        proxy_headers=False,  # the API server calls the webhook directly; no X-Forwarded-* to trust
        timeout_keep_alive=30,
    )
    ServerThread(config, host, port, backlog=2048, name="gavel-webhook", reuse_port=True).run()


def _supervise(processes: Sequence[BaseProcess]) -> int:
    """Wait for the workers; on a signal stop them all, on a worker's death stop the rest."""
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for process in processes:
            if process.is_alive():
                process.terminate()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while any(process.is_alive() for process in processes):
            for process in processes:
                process.join(timeout=0.5)
                if process.exitcode is not None and not stopping:
                    log.error("%s exited with status %s; stopping the server", process.name, process.exitcode)
                    stop(signal.SIGTERM, None)
        clean = {0, -signal.SIGTERM, -signal.SIGINT}  # uvicorn re-raises the signal it stopped on
        return 0 if all(process.exitcode in clean for process in processes) else 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class WebhookServer(ServerThread):
    """One webhook app over TLS on a background thread, listening from construction on."""

    def __init__(
        self, service: WebhookService, cert: Path, key: Path, host: str = "127.0.0.1", port: int = 0
    ):
        import uvicorn

        self.service = service
        config = uvicorn.Config(
            create_app(service),
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
            log_level="warning",
            access_log=False,
            proxy_headers=False,
            lifespan="on",
        )
        super().__init__(config, host, port, backlog=2048, name="gavel-webhook")
        self.url = f"https://{host}:{self.port}"

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until the app's startup (policy loading in every evaluation thread) has finished."""
        if not self.service.ready_event.wait(timeout):
            raise UsageError(f"webhook server did not become ready within {timeout} s")
