"""Recording every admission decision as signed evidence, through the store's group-commit path.

A request handler signs its record on the evaluation thread (`sign`) and hands it to the
`GroupAppender` (`submit`), whose writer thread commits whatever accumulated in one transaction;
the handler awaits the receipt before answering, so an answer that cites a log index is durable.
Requests the webhook lets through unevaluated (CONNECT, exempt, DELETE without policies) are
recorded too, with no findings, so the log holds every answer given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ..engine.admission import AdmissionVerdict
from ..engine.models import Decision, EvidenceReceipt, GatePolicy, ResourceRef
from ..evidence.appender import GroupAppender
from ..evidence.keys import Signer, load_or_create_signer
from ..evidence.records import decision_record
from ..evidence.store import EvidenceStore
from ..evidence.tables import EntryCreate

ENFORCEMENT_POINT = "gavel-admission-webhook"


class DecisionRecorder(Protocol):
    """What the webhook needs from an evidence sink."""

    def sign(self, verdict: AdmissionVerdict, now: datetime) -> EntryCreate: ...

    def submit(self, record: EntryCreate) -> Future[EvidenceReceipt]: ...

    def close(self) -> None: ...


def admission_context(verdict: AdmissionVerdict) -> dict[str, Any]:
    """What the signed statement says about the request besides the decision itself."""
    request, response = verdict.request, verdict.response
    return {
        "enforcement_point": ENFORCEMENT_POINT,
        "admission": {
            "uid": request.uid,
            "operation": request.operation,
            "kind": request.kind,
            "namespace": request.namespace,
            "name": request.name,
            "user": request.username,
            "dry_run": request.dry_run,
        },
        "allowed": response.allowed,
        "outcome": verdict.outcome,
        "message": response.message,
        "warnings": list(response.warnings),
        "enforcement": {finding.policy_id: action.value for finding, action in verdict.enforced},
        "failure": verdict.failure,
        "note": verdict.note,
    }


def decision_of(verdict: AdmissionVerdict, bundle_digest: str, runtime: str, now: datetime) -> Decision:
    """The verdict's decision, or an empty one for requests answered without evaluation."""
    if verdict.decision is not None:
        return verdict.decision
    request = verdict.request
    ref = ResourceRef(
        f"kubernetes:{request.namespace or '_'}/{request.kind}/{request.name}", request.kind, "admission"
    )
    reasons = (verdict.response.message,) if verdict.response.message else ()
    return Decision(
        (), (ref,), 0.0, GatePolicy(), verdict.response.allowed, reasons, (), (), bundle_digest, runtime, now
    )


class EvidenceRecorder:
    """An `EvidenceStore` with its group-commit appender and the active signing key.

    `on_depth` receives the appender's queue depth once per batch (the webhook's gauge).
    """

    def __init__(
        self,
        url: str,
        keys_dir: Path,
        *,
        bundle_digest: str,
        runtime: str,
        on_depth: Callable[[int], None] | None = None,
    ):
        self.store = EvidenceStore.open(url)
        signer, _notice = load_or_create_signer(keys_dir)
        self.signer: Signer = signer
        self.appender = GroupAppender(self.store, signer, on_depth=on_depth)
        self.bundle_digest = bundle_digest
        self.runtime = runtime

    def sign(self, verdict: AdmissionVerdict, now: datetime) -> EntryCreate:
        subject = verdict.request.body_digest
        digests: Mapping[str, str] = {f"admission-review:{verdict.request.uid}": subject}
        return decision_record(
            decision_of(verdict, self.bundle_digest, self.runtime, now),
            signer=self.signer,
            origin=self.store.origin,
            subject_digests=digests,
            context=admission_context(verdict),
            environment={},
        )

    def submit(self, record: EntryCreate) -> Future[EvidenceReceipt]:
        return self.appender.submit(record)

    def close(self) -> None:
        self.appender.close()
        self.store.close()
