"""The in-toto Statement v1 gavel signs for each decision, and the one for a key rotation.

Pure builders: the caller passes the clock, the record id and the environment. The predicate
records what an auditor needs to reproduce the decision's basis (policy bundle digest, input
digests, per-resource outcomes, waivers, gate, runtime, version, where it ran) but never the
inputs themselves: those are referenced by digest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ..engine.models import Decision, Finding, Outcome, Waiver
from .canonical import canonical_bytes

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
DECISION_PREDICATE = "https://gavel.dev/attestations/policy-decision/v1"
ROTATION_PREDICATE = "https://gavel.dev/attestations/key-rotation/v1"
ATTESTATION_PREDICATE = "https://gavel.dev/attestations/manual-attestation/v1"
REPORT_PREDICATE = "https://gavel.dev/attestations/audit-report/v1"
EVALUATOR_ID = "https://gavel.dev/engine"
CI_VARIABLE = re.compile(
    r"^(CI|GITHUB_(ACTIONS|REPOSITORY|SHA|REF|RUN_ID|RUN_ATTEMPT|WORKFLOW|ACTOR|SERVER_URL|EVENT_NAME)"
    r"|GITLAB_CI|CI_(PROJECT_PATH|COMMIT_SHA|COMMIT_REF_NAME|PIPELINE_ID|JOB_ID|JOB_URL|SERVER_URL)"
    r"|GITLAB_USER_LOGIN|BUILDKITE_(BUILD_URL|COMMIT|PIPELINE_SLUG)|CIRCLE_(BUILD_URL|SHA1|PROJECT_REPONAME)"
    r"|JENKINS_URL|BUILD_URL|TF_BUILD|BUILD_BUILDID|SYSTEM_COLLECTIONURI)$"
)


def rfc3339_millis(moment: datetime) -> str:
    """UTC with millisecond precision and a `Z`, the one time format in signed evidence."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def ci_context(environment: Mapping[str, str]) -> dict[str, str]:
    """The CI variables that say who ran the gate and where (GitHub, GitLab, Buildkite, ...)."""
    return {name: value for name, value in sorted(environment.items()) if CI_VARIABLE.match(name)}


def _hex_digest(digest: str) -> str:
    return digest.removeprefix("sha256:").lower()


def _number(value: float | None) -> str | None:
    return None if value is None else str(Decimal(repr(value)).normalize())


def _waiver(waiver: Waiver) -> dict[str, Any]:
    return {
        "id": waiver.id,
        "policy": waiver.policy_id,
        "owner": waiver.owner,
        "reason": waiver.reason,
        "expires": waiver.expires.isoformat(),
    }


def _result(finding: Finding) -> dict[str, Any]:
    return {
        "policy": finding.policy_id,
        "outcome": finding.outcome.value,
        "severity": finding.severity.value,
        "message": finding.message,
        "waiver": finding.waiver.id if finding.waiver else None,
    }


def _resource_outcome(findings: list[Finding]) -> str:
    blocking = [f for f in findings if f.blocking]
    if any(f.outcome is Outcome.ERROR for f in blocking):
        return "error"
    if blocking:
        return "fail"
    if any(f.outcome is Outcome.WARNING for f in findings):
        return "warn"
    return "waived" if findings else "pass"


def _resources(decision: Decision) -> list[dict[str, Any]]:
    by_resource: dict[str, list[Finding]] = {ref.id: [] for ref in decision.resources}
    references = {ref.id: ref for ref in decision.resources}
    for finding in decision.findings:
        by_resource.setdefault(finding.resource.id, []).append(finding)
        references.setdefault(finding.resource.id, finding.resource)
    return [
        {
            "id": resource_id,
            "kind": references[resource_id].kind,
            "source": references[resource_id].source,
            "line": references[resource_id].line,
            "outcome": _resource_outcome(findings),
            "results": [_result(f) for f in findings],
        }
        for resource_id, findings in by_resource.items()
    ]


def decision_document(
    decision: Decision,
    *,
    record_id: str,
    origin: str,
    subject_digests: Mapping[str, str],
    context: Mapping[str, Any],
    environment: Mapping[str, str],
    gavel_version: str,
) -> dict[str, Any]:
    """The policy-decision Statement as a document, before `canonical_bytes` fixes its bytes."""
    subjects = [
        {"name": name, "digest": {"sha256": _hex_digest(d)}} for name, d in sorted(subject_digests.items())
    ]
    if not subjects:
        subjects = [{"name": "policy-bundle", "digest": {"sha256": _hex_digest(decision.bundle_digest)}}]
    waivers = {f.waiver.id or f.waiver.policy_id: f.waiver for f in decision.findings if f.waiver}
    predicate = {
        "recordId": record_id,
        "evidenceLog": origin,
        "timeEvaluated": rfc3339_millis(decision.evaluated_at),
        "decision": "allow" if decision.passed else "deny",
        "reasons": list(decision.reasons),
        "policy": {
            "digest": {"sha256": _hex_digest(decision.bundle_digest)},
            "ids": list(decision.policy_ids),
        },
        "evaluator": {"id": EVALUATOR_ID, "version": {"gavel": gavel_version}, "runtime": decision.runtime},
        "gate": {"failOn": decision.gate.fail_on.value, "maxRisk": _number(decision.gate.max_risk)},
        "risk": _number(decision.risk),
        "bySeverity": decision.by_severity(),
        "resources": _resources(decision),
        "waiversApplied": [_waiver(w) for _, w in sorted(waivers.items())],
        "waiversExpired": [_waiver(w) for w in decision.expired_waivers],
        "context": dict(context),
        "ci": ci_context(environment),
    }
    return {
        "_type": STATEMENT_TYPE,
        "subject": subjects,
        "predicateType": DECISION_PREDICATE,
        "predicate": predicate,
    }


def rotation_statement(
    *,
    record_id: str,
    origin: str,
    old_key_id: str,
    new_key_id: str,
    new_public_pem: str,
    rotated_at: datetime,
) -> bytes:
    """The Statement that hands signing over from one key to the next; both keys sign its envelope."""
    return canonical_bytes(
        {
            "_type": STATEMENT_TYPE,
            "subject": [{"name": f"ed25519:{new_key_id}", "digest": {"sha256": new_key_id}}],
            "predicateType": ROTATION_PREDICATE,
            "predicate": {
                "recordId": record_id,
                "evidenceLog": origin,
                "timeEvaluated": rfc3339_millis(rotated_at),
                "oldKeyId": old_key_id,
                "newKeyId": new_key_id,
                "newPublicKey": new_public_pem,
            },
        }
    )
