"""Shared builders for the evidence tests: decisions, keys, and fresh SQLite or PostgreSQL stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from gavel.engine.models import (
    Decision,
    Finding,
    GatePolicy,
    Outcome,
    Regulation,
    ResourceRef,
    Severity,
    Waiver,
)
from gavel.evidence.keys import Signer, generate_key


def make_decision(passed: bool = False, resource_id: str = "aws_s3_bucket.training_data") -> Decision:
    bucket = ResourceRef(resource_id, "aws_s3_bucket", "tfplan.public-bucket.json", 12)
    pod = ResourceRef("Pod/ml/trainer", "Pod", "admission.gpu-pod-us.json", None)
    waiver = Waiver(
        "gdpr-residency", {"id": pod.id}, "migration in progress", "data-team", date(2030, 1, 1), "W-7"
    )
    findings = (
        Finding(
            "encryption-at-rest",
            "Buckets are encrypted",
            Severity.HIGH,
            Outcome.VIOLATION if not passed else Outcome.WARNING,
            bucket,
            "bucket holds personal data without a customer-managed key",
            regulations=(Regulation("GDPR", "Art. 32"),),
        ),
        Finding(
            "gdpr-residency",
            "Personal data stays in the EEA",
            Severity.CRITICAL,
            Outcome.VIOLATION,
            pod,
            "GPU pool in us-east-1",
            waiver=waiver,
        ),
    )
    return Decision(
        findings=findings,
        resources=(bucket, pod),
        risk=7.5,
        gate=GatePolicy(Severity.HIGH, 10.0),
        passed=passed,
        reasons=() if passed else ("1 high finding at or above --fail-on high",),
        expired_waivers=(),
        policy_ids=("encryption-at-rest", "gdpr-residency"),
        bundle_digest="sha256:" + "ab" * 32,
        runtime="embedded",
        evaluated_at=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
    )


SUBJECTS = {"tfplan.public-bucket.json": "cd" * 32}


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def signer(keys_dir: Path) -> Signer:
    return generate_key(keys_dir)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'state' / 'evidence.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A database `gavel_test_<random>` created for the test and dropped after it."""
    # Imported here: tests/evidence/writer.py imports this module in a subprocess that does not
    # have tests/support on its path.
    from postgres_database import temporary_database

    with temporary_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str:
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))
