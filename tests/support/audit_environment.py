"""What every `gavel audit` test of live sources needs around it: a private GAVEL_HOME and
working folder, AWS credentials that reach only the moto server, no kubeconfig or shard
inherited from the machine, and a reader for what a command wrote to a pseudo-terminal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_moto import CREDENTIALS, MotoServer, seed_estate


def isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAVEL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("GAVEL_EVIDENCE", "GAVEL_SHARD", "KUBECONFIG", "KUBERNETES_SERVICE_HOST"):
        monkeypatch.delenv(name, raising=False)
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.chdir(tmp_path)


def read_terminal(screen: Any) -> bytes:
    """Everything written to the pseudo-terminal until its last writer exits."""
    shown = b""
    while True:
        try:
            chunk: bytes = screen.read(4096)
        except OSError:  # the terminal closes when the last writer exits
            return shown
        if not chunk:
            return shown
        shown += chunk


def seeded_moto() -> Iterator[MotoServer]:
    """moto in server mode holding the small ML account of `aws_moto.seed_estate`."""
    with MotoServer() as server:
        seed_estate(server)
        yield server
