"""Running the webhook app under uvicorn over TLS: several worker processes, or one in a thread.

`run_workers` is what `gavel webhook serve` calls: uvicorn's supervisor forks worker processes
that each build the app from `GAVEL_WEBHOOK_CONFIG`. `WebhookServer` serves from a thread on a
socket bound (and listening) at construction, so a client can connect as soon as it exists and
`wait_ready()` returns once the policies are loaded: tests and benchmarks never sleep.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
from pathlib import Path

from ..engine.errors import UsageError
from .webhook import CONFIG_ENVIRONMENT, WebhookConfig, WebhookService, create_app


def run_workers(config: WebhookConfig, *, host: str, port: int, workers: int, cert: Path, key: Path) -> None:
    """Serve HTTPS with `workers` processes until interrupted."""
    import uvicorn

    os.environ[CONFIG_ENVIRONMENT] = config.to_json()
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="gavel-metrics-")
    uvicorn.run(
        "gavel.server.webhook:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
        log_level="warning",
        access_log=False,
        timeout_keep_alive=30,
        backlog=2048,
    )


class WebhookServer:
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
            lifespan="on",
        )
        # IPPROTO_TCP so asyncio sets TCP_NODELAY: without it keep-alive answers wait for delayed ACKs.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._socket.bind((host, port))
        except OSError as error:
            self._socket.close()
            raise UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None
        self._socket.listen(2048)
        self.port = self._socket.getsockname()[1]
        self.url = f"https://{host}:{self.port}"
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="gavel-webhook", daemon=True)

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._socket])
        finally:
            self._socket.close()

    def start(self) -> WebhookServer:
        self._thread.start()
        return self

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until the app's startup (policy loading in every evaluation thread) has finished."""
        if not self.service.ready_event.wait(timeout):
            raise UsageError(f"webhook server did not become ready within {timeout} s")

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join()

    def __enter__(self) -> WebhookServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
