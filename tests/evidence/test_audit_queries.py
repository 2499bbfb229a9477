"""Audit aggregations on real SQLite and PostgreSQL stores filled by real check and admission runs."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from audit_evidence import ORIGIN, AuditEvidence, fill_store, summary_of
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gavel.evidence.keys import load_signer
from gavel.evidence.records import decision_record
from gavel.evidence.report_index import INDEX_TABLES, backfill
from gavel.evidence.store import LOG_ID, EvidenceStore

from .conftest import SUBJECTS, make_decision


@pytest.fixture
def evidence(store_url: str, tmp_path: Path) -> AuditEvidence:
    return fill_store(store_url, tmp_path / "keys")


def test_posture_per_framework_requirement_and_day(evidence: AuditEvidence) -> None:
    summary = summary_of(evidence)
    assert summary.integrity.verified and summary.integrity.entries == 10
    assert summary.integrity.origin == ORIGIN
    totals = summary.totals
    assert (totals.decisions, totals.allowed, totals.denied, totals.resources) == (10, 4, 6, 27)
    assert dict(totals.by_source) == {"admission": 6, "check": 4}
    rates = {f.name: (f.rate.checks, f.rate.failed) for f in summary.frameworks}
    assert rates == {"CIS": (11, 3), "GDPR": (41, 20), "ISO-27001": (9, 0), "NIST-800-53": (23, 1)}
    gdpr = summary.frameworks[1]
    assert [(r.article, r.rate.checks, r.rate.failed) for r in gdpr.requirements] == [
        ("Art. 32", 9, 1),
        ("Art. 32(1)(a)", 12, 1),
        ("Art. 44", 20, 18),
    ]
    nist = {p.start: (p.rate.checks, p.rate.failed) for p in summary.frameworks[3].series}
    # 5 Jan: three buckets and a Deployment, the unencrypted bucket unwaived; 12 Jan: waived by W-1.
    assert nist[date(2026, 1, 5)] == (4, 1) and nist[date(2026, 1, 12)] == (5, 0)
    assert nist[date(2026, 1, 7)] == (0, 0)
    assert summary.bucket == "day" and len(summary.frameworks[3].series) == 23
    assert (summary.overall.checks, summary.overall.failed) == (72, 23)


def test_top_failures_waivers_and_denials_cite_signed_records(evidence: AuditEvidence) -> None:
    summary = summary_of(evidence)
    top = summary.failing_policies[0]
    assert (top.policy_id, top.failures, top.resources) == ("bucket_region_known", 18, 8)
    assert top.latest.log_index == 9 and top.latest.record_digest.startswith("sha256:")
    assert summary.failing_resources[0].resource_id == "terraform:aws_s3_bucket.unencrypted"
    waivers = {w.waiver_id: (w.status, w.applications, w.expires) for w in summary.waivers}
    assert waivers == {"W-1": ("expiring", 3, date(2026, 2, 20)), "W-2": ("expired", 1, date(2026, 1, 15))}
    assert [d.resource for d in summary.denials] == [
        "kubernetes:_/StatefulSet/nginx",
        "kubernetes:ml-serving/Deployment/vllm-gemma-deployment",
        "kubernetes:web/Deployment/frontend",
        "kubernetes:default/Deployment/nginx",
        "kubernetes:default/Pod/nginx",
    ]
    assert summary.denials[-1].policies == ("no_privileged_containers",)
    assert "runs privileged" in summary.denials[-1].message
    assert summary.attestations == ()
    with EvidenceStore.open(evidence.url) as store, store.snapshot() as connection:
        digest = connection.execute(
            text("SELECT envelope_sha256 FROM evidence_entry WHERE idx = :i"), {"i": top.latest.log_index}
        ).scalar_one()
    assert top.latest.record_digest == f"sha256:{digest}"


def test_period_and_framework_narrow_every_figure(evidence: AuditEvidence) -> None:
    summary = summary_of(
        evidence,
        ("CIS",),
        since=datetime(2026, 1, 12, tzinfo=UTC),
        until=datetime(2026, 1, 19, tzinfo=UTC),
        filtered=True,
    )
    assert summary.totals.decisions == 3
    assert [(f.name, f.rate.checks, f.rate.failed) for f in summary.frameworks] == [("CIS", 4, 1)]
    assert [p.policy_id for p in summary.failing_policies] == ["no_privileged_containers"]
    assert [d.resource for d in summary.denials] == ["kubernetes:default/Deployment/nginx"]
    assert summary.waivers == ()
    empty = summary_of(
        evidence, since=datetime(2025, 1, 1, tzinfo=UTC), until=datetime(2025, 2, 1, tzinfo=UTC)
    )
    assert empty.empty and empty.overall.pass_rate is None
    assert all(f.series == () for f in empty.frameworks)


def test_index_tables_are_append_only(evidence: AuditEvidence) -> None:
    with (
        EvidenceStore.open(evidence.url) as store,
        pytest.raises(DBAPIError, match="append-only"),
        store.database.writer.begin() as connection,
    ):
        connection.execute(text("UPDATE index_result SET blocking = false"))


def test_a_store_from_before_the_index_is_backfilled_from_its_statements(evidence: AuditEvidence) -> None:
    before = summary_of(evidence)
    with EvidenceStore.open(evidence.url) as store, store.database.writer.begin() as connection:
        for table in INDEX_TABLES:
            connection.execute(text(f"DROP TABLE {table}"))
        connection.execute(text("UPDATE gavel_schema_version SET version = 1"))
    with EvidenceStore.open(evidence.url) as store:
        assert backfill(store.database, LOG_ID) == 10
        assert backfill(store.database, LOG_ID) == 0
    assert summary_of(evidence) == before


def test_a_tampered_store_is_reported_not_raised(sqlite_url: str, tmp_path: Path) -> None:
    evidence = fill_store(sqlite_url, tmp_path / "keys")
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as connection:
        connection.execute("DROP TRIGGER evidence_entry_no_update")
        connection.execute("UPDATE evidence_entry SET decision = 'allow' WHERE idx = 2")
    summary = summary_of(evidence)
    assert not summary.integrity.verified
    assert "index 2" in str(summary.integrity.problem)
    assert summary.integrity.entries == 10 and summary.integrity.checkpoint is not None


def test_manual_attestations_are_listed_with_their_signed_details(sqlite_url: str, tmp_path: Path) -> None:
    from gavel.engine.coverage import Attestation
    from gavel.evidence.attestations import record_attestation

    evidence = fill_store(sqlite_url, tmp_path / "keys")
    attested = Attestation(
        "GDPR",
        "Art. 30",
        "dpo@example.com",
        "The record of processing activities is reviewed every quarter.",
        date(2026, 6, 30),
        datetime(2026, 1, 10, 15, tzinfo=UTC),
    )
    with EvidenceStore.open(evidence.url) as store:
        record_attestation(
            store, attested, signer=load_signer(evidence.keys_dir), requirement_title="Records of processing"
        )
    summary = summary_of(evidence)
    assert summary.integrity.verified
    [attestation] = summary.attestations
    details = dict(attestation.details)
    assert attestation.kind == "manual-attestation"
    assert attestation.recorded_at == datetime(2026, 1, 10, 15, tzinfo=UTC)
    assert (details["framework"], details["requirement"], details["attestedBy"]) == (
        "GDPR",
        "Art. 30",
        "dpo@example.com",
    )
    assert attestation.subjects == ("GDPR Art. 30",) and attestation.evidence.log_index == 10
    assert summary.totals.decisions == 10
    assert summary_of(evidence, ("CIS",), filtered=True).attestations == ()
    assert summary_of(evidence, since=datetime(2026, 7, 1, tzinfo=UTC)).attestations == ()


def test_an_envelope_serialised_by_another_dsse_writer_is_indexed(sqlite_url: str, tmp_path: Path) -> None:
    evidence = fill_store(sqlite_url, tmp_path / "keys")
    signer = load_signer(evidence.keys_dir)
    with EvidenceStore.open(evidence.url) as store:
        record = decision_record(
            make_decision(),
            signer=signer,
            origin=store.origin,
            subject_digests=SUBJECTS,
            context={},
            environment={},
        )
        document = json.loads(record.envelope)
        reordered = json.dumps({k: document[k] for k in ("signatures", "payloadType", "payload")}, indent=1)
        store.append([record.model_copy(update={"envelope": reordered.encode()})], signer)
    summary = summary_of(evidence)
    assert summary.integrity.verified
    assert (summary.totals.decisions, dict(summary.totals.by_source)["other"]) == (11, 1)
