"""A throwaway PostgreSQL database on the test server at 127.0.0.1:5432 (trust auth, db `test`).

Each use creates `gavel_test_<random>` and drops it afterwards, so tests never see each other's
rows; when the server is unreachable the test is skipped, or fails under GAVEL_REQUIRE_POSTGRES=1.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

HOST, PORT = "127.0.0.1", 5432


def reachable() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def temporary_database() -> Iterator[str]:
    """The URL of a fresh database, dropped (with its connections) on exit."""
    if not reachable():
        if os.environ.get("GAVEL_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL at {HOST}:{PORT} is unreachable and GAVEL_REQUIRE_POSTGRES=1")
        pytest.skip(f"PostgreSQL at {HOST}:{PORT} is unreachable")
    import psycopg

    name = f"gavel_test_{secrets.token_hex(6)}"
    admin = f"host={HOST} port={PORT} user=postgres dbname=test"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql://postgres@{HOST}:{PORT}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
