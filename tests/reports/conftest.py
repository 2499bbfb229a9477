"""Fixtures for the report tests, and golden-file comparison for every format.

Set GAVEL_UPDATE_GOLDENS=1 to rewrite the golden files from the current output, then review
the diff.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from report_fixtures import (
    DATA,
    KMS_ROTATION,
    MEMORY_LIMITS,
    POLICIES,
    RECEIPT,
    S3_CMK,
    TOOL_VERSION,
    make_compliant_decision,
    make_mixed_decision,
)

from gavel.engine.models import Decision
from gavel.reports.base import ReportContext


@pytest.fixture
def mixed_decision() -> Decision:
    return make_mixed_decision()


@pytest.fixture
def compliant_decision() -> Decision:
    return make_compliant_decision()


@pytest.fixture
def context() -> ReportContext:
    return ReportContext(tool_version=TOOL_VERSION, policies=POLICIES, evidence=RECEIPT)


@pytest.fixture
def bare_context() -> ReportContext:
    return ReportContext(tool_version=TOOL_VERSION, policies=(S3_CMK, KMS_ROTATION, MEMORY_LIMITS))


@pytest.fixture
def golden() -> Callable[[bytes, str], None]:
    def check(actual: bytes, name: str) -> None:
        path = DATA / name
        if os.environ.get("GAVEL_UPDATE_GOLDENS") == "1":
            path.write_bytes(actual)
        assert path.exists(), f"{path} is missing; run the tests with GAVEL_UPDATE_GOLDENS=1 to write it"
        expected = path.read_bytes()
        assert actual.decode("utf-8") == expected.decode("utf-8"), f"{name} differs from its golden file"

    return check
