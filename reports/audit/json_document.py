"""The audit summary as one JSON document, for dashboards and scripts.

Keys follow the summary's fields in order, times are RFC 3339, every rate carries its checks,
failures and pass rate (null when nothing was checked), and every cited record its log index and
envelope digest, so a figure can be traced to signed evidence.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from enum import Enum
from typing import Any

from ...engine.posture import AuditSummary, Rate

SCHEMA_VERSION = "1"


def _plain(value: Any) -> Any:
    if isinstance(value, Rate):
        return {"checks": value.checks, "failed": value.failed, "pass_rate": value.pass_rate}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


class JsonAuditReport:
    name = "json"
    file_name = "audit-report.json"

    def render(self, summary: AuditSummary) -> bytes:
        document = {"kind": "gavel-audit-report", "schema_version": SCHEMA_VERSION, **_plain(summary)}
        document["totals"]["by_source"] = dict(summary.totals.by_source)
        for plain, attestation in zip(document["attestations"], summary.attestations, strict=True):
            plain["details"] = dict(attestation.details)
        return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
