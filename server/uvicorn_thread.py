"""A uvicorn server on a socket bound up front, run in the foreground or on a background thread.

Binding before serving means the port accepts connections (they wait in the backlog) as soon as
the object exists, so callers and tests need no readiness polling. The socket is created with
IPPROTO_TCP, not 0, so asyncio sets TCP_NODELAY: otherwise every keep-alive answer waits about
40 ms for a delayed ACK.
"""

from __future__ import annotations

import socket
import threading
from typing import Any, Self

from ..engine.errors import UsageError


def bound_socket(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A TCP socket bound to host:port, not yet listening; errors name the address."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    return listener


def listening_socket(host: str, port: int, backlog: int, *, reuse_port: bool = False) -> socket.socket:
    listener = bound_socket(host, port, reuse_port=reuse_port)
    listener.listen(backlog)
    return listener


class ServerThread:
    """Serve a uvicorn config on a pre-bound socket; `run()` blocks, `start()`/`stop()` do not."""

    def __init__(
        self, config: Any, host: str, port: int, *, backlog: int, name: str, reuse_port: bool = False
    ) -> None:
        import uvicorn

        self._socket = listening_socket(host, port, backlog, reuse_port=reuse_port)
        self.port: int = self._socket.getsockname()[1]
        self._server = uvicorn.Server(config)
        self._name = name
        self._thread: threading.Thread | None = None

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C / SIGTERM) or `stop()`."""
        try:
            self._server.run(sockets=[self._socket])
        finally:
            self._socket.close()

    def start(self) -> Self:
        self._thread = threading.Thread(target=self.run, name=self._name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
