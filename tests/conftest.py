"""Shared fixtures: where test data lives, and a builder for resources as adapters make them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gavel.engine.models import Provenance, Resource

DATA = Path(__file__).parent / "data"
# regula's S3 encryption fixture: one unencrypted bucket beside AES- and KMS-encrypted ones.
SSE_PLAN = DATA / "adapters/terraform-plan/regula/rules/tf/aws/s3/inputs/bucket_sse_infra.json"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def sse_plan() -> Path:
    return SSE_PLAN


@pytest.fixture
def now() -> datetime:
    return NOW


ResourceFactory = Callable[..., Resource]


@pytest.fixture
def make_resource() -> ResourceFactory:
    def build(
        kind: str,
        name: str,
        attributes: Mapping[str, Any] | None = None,
        *,
        platform: str = "terraform",
        labels: Mapping[str, str] | None = None,
        region: str | None = "eu-west-1",
        namespace: str | None = None,
        source: str = "plan.json",
        line: int | None = None,
    ) -> Resource:
        rid = (
            f"terraform:{kind}.{name}"
            if platform == "terraform"
            else f"kubernetes:{namespace or '_'}/{kind}/{name}"
        )
        return Resource(
            id=rid,
            kind=kind,
            name=name,
            platform=platform,
            attributes=dict(attributes or {}),
            provenance=Provenance("test", source, "sha256:" + "0" * 64, NOW, line),
            labels=dict(labels or {}),
            region=region,
            namespace=namespace,
        )

    return build
