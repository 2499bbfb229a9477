"""An OPA-compatible server on a free loopback port: it listens before the fixture returns."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gavel.server.opa_compat import OpaCompatServer


@pytest.fixture
def opa_server() -> Iterator[OpaCompatServer]:
    with OpaCompatServer("127.0.0.1", 0) as server:
        yield server
