"""The append path's shortcuts give exactly what the general code gives: envelope bytes, float
refusal, index rows from the in-memory statement, record ids, and a verifiable store."""

from __future__ import annotations

import base64
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gavel.evidence.canonical import canonical_bytes
from gavel.evidence.dsse import Envelope, Signature
from gavel.evidence.keys import Signer, load_trusted_keys
from gavel.evidence.records import decision_record, new_record_id
from gavel.evidence.report_index import IndexRows
from gavel.evidence.store import EvidenceStore
from gavel.evidence.store_verify import verify_store
from gavel.evidence.tables import EntryCreate

from .conftest import SUBJECTS, make_decision

UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _record(
    signer: Signer, context: dict[str, object] | None = None, origin: str = "gavel.dev/evidence/test"
) -> EntryCreate:
    return decision_record(
        make_decision(),
        signer=signer,
        origin=origin,
        subject_digests=SUBJECTS,
        context=context if context is not None else {"admission": {"uid": "u-1"}},
        environment={"CI": "true"},
    )


@pytest.mark.parametrize("keyid", ["", "plain", 'quote " and \\ backslash', "ünïcode\u2028line"])
def test_envelope_bytes_are_the_canonical_json_of_the_envelope(keyid: str) -> None:
    payload = '{"predicate":{"message":"ünïcode \\" <>"}}'.encode()
    envelope = Envelope(
        "application/vnd.in-toto+json", payload, (Signature(keyid, b"\x00\xff" * 32), Signature("b", b"s"))
    )
    expected = canonical_bytes(
        {
            "payload": base64.b64encode(payload).decode("ascii"),
            "payloadType": envelope.payload_type,
            "signatures": [
                {"keyid": s.keyid, "sig": base64.b64encode(s.sig).decode("ascii")}
                for s in envelope.signatures
            ],
        }
    )
    assert envelope.to_bytes() == expected
    assert Envelope.from_bytes(envelope.to_bytes()) == envelope


@pytest.mark.parametrize(
    ("document", "path"),
    [
        (1.5, "$"),
        ({"a": [1, {"b": float("nan")}]}, "$.a[1].b"),
        ({"a": (1, -0.0)}, "$.a[1]"),
        ({"nested": {"deep": [[1e-7]]}}, "$.nested.deep[0][0]"),
    ],
)
def test_a_float_anywhere_is_refused_with_its_path(document: object, path: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"{path}: floats are not allowed")):
        canonical_bytes(document)


@pytest.mark.parametrize(
    "document",
    [
        {"text": "1.5 NaN :2e3", "flags": [True, False, None], "n": -3, "t": (1, "x")},
        {"big": 10**30, "small": -(2**63)},
        {2: "integer keys", 10: "sort as numbers"},
        {"é": '\x00\x1f\x7f\u2028\U0001f600 " \\ \t', "e": "", "Z": {"b": [], "a": {}}},
        "plain string",
    ],
)
def test_canonical_bytes_are_the_standard_librarys_sorted_compact_json(document: object) -> None:
    expected = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_bytes(document) == expected.encode()


@pytest.mark.parametrize("document", [{"when": datetime.now(UTC)}, {"uid": {"a"}}, "\ud800"])
def test_what_json_cannot_hold_is_refused(document: object) -> None:
    with pytest.raises((TypeError, UnicodeEncodeError)):
        canonical_bytes(document)


def test_index_rows_from_the_kept_statement_match_rows_from_the_signed_bytes(signer: Signer) -> None:
    record = _record(signer, {"admission": {"uid": "u-1", "kind": "Pod"}, "note": ("a", "b")})
    from_document, from_bytes = IndexRows(), IndexRows()
    from_document.add_statement(1, 7, "2026-01-02T03:04:05.678Z", record.statement)
    from_bytes.add(1, 7, "2026-01-02T03:04:05.678Z", record.envelope)
    assert from_document.tables == from_bytes.tables
    assert from_document.bundles == from_bytes.bundles
    assert "statement" not in record.model_dump()


def test_record_ids_are_uuid7_and_unique_across_a_fork() -> None:
    ids = [new_record_id() for _ in range(2000)]
    assert all(UUID7.match(i) for i in ids)
    assert len(set(ids)) == len(ids)
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        os.write(writer, "\n".join(new_record_id() for _ in range(50)).encode())
        os._exit(0)
    os.close(writer)
    os.waitpid(child, 0)
    with os.fdopen(reader) as pipe:
        from_child = pipe.read().split("\n")
    in_parent = [new_record_id() for _ in range(50)]
    assert {i[-20:] for i in from_child}.isdisjoint(i[-20:] for i in in_parent)


def test_batches_appended_on_the_fast_path_verify_and_dedupe(
    store_url: str, signer: Signer, keys_dir: Path
) -> None:
    with EvidenceStore.open(store_url) as store:
        records = [_record(signer, origin=store.origin) for _ in range(9)]
        first = store.append(records[:4], signer)
        again = store.append([records[2], *records[4:]], signer)
        assert [r.log_index for r in first] == [0, 1, 2, 3]
        assert [r.log_index for r in again] == [2, 4, 5, 6, 7, 8]
        with store.snapshot() as connection:
            bundles = connection.exec_driver_sql("SELECT count(*) FROM index_bundle_policy").scalar()
            entries = connection.exec_driver_sql("SELECT count(*) FROM index_entry").scalar()
        assert (bundles, entries) == (2, 9)
        assert verify_store(store, load_trusted_keys(keys_dir), full=True).report.size == 9
