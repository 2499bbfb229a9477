"""Running the webhook app under uvicorn over TLS: several worker processes, or one in a thread.

`run_workers` is what `gavel webhook serve` calls: uvicorn's supervisor forks worker processes
that each build the app from `GAVEL_WEBHOOK_CONFIG`. `WebhookServer` serves from a thread on a
socket bound (and listening) at construction, so a client can connect as soon as it exists and
`wait_ready()` returns once the policies are loaded: tests and benchmarks never sleep.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..engine.errors import UsageError
from .uvicorn_thread import ServerThread
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
            lifespan="on",
        )
        super().__init__(config, host, port, backlog=2048, name="gavel-webhook")
        self.url = f"https://{host}:{self.port}"

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until the app's startup (policy loading in every evaluation thread) has finished."""
        if not self.service.ready_event.wait(timeout):
            raise UsageError(f"webhook server did not become ready within {timeout} s")
