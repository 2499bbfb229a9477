"""The audit as NIST OSCAL 1.1 assessment results, for GRC tools that import OSCAL.

One `result` per framework. Each requirement checked in the period becomes a `finding` whose
target is the requirement (as an OSCAL token) and whose state is `satisfied` only when no check
of its policies failed; each policy with failing or warning results becomes an `observation`
whose `relevant-evidence` points at a back-matter resource naming the signed evidence record
(log index and envelope digest) it was last seen in. Manual attestations (what no policy can
check, signed by a named person with `gavel attest`) become `EXAMINE` observations of their
framework's result, linked to their own evidence record and to the finding of the requirement
they attest; a requirement only attested (no check ran) gets a finding of its own, satisfied
until the attestation expires. The assessment plan is the policy library,
described in back-matter by its digest. UUIDs are derived from content (UUIDv5), so the same
store, period and library always give the same document.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from ...engine.posture import (
    AttestationRecord,
    AuditSummary,
    EvidenceLink,
    FrameworkPosture,
    OpenResult,
    RequirementPosture,
)

OSCAL_VERSION = "1.1.2"
GAVEL_NS = "https://gavel.dev/ns/oscal"
RECORD_SCHEME = "https://gavel.dev/ns/evidence-record-digest"
NAMESPACE = uuid.UUID("6f1f2b8e-6c1a-5d5e-9a57-0c3f4d2b9e11")


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join(str(p) for p in parts)))


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def control_id(framework: str, article: str) -> str:
    """An OSCAL token for a requirement: `GDPR` `Art. 32(1)(a)` -> `gdpr-art-32-1-a`."""
    return re.sub(r"[^a-z0-9]+", "-", f"{framework} {article}".lower()).strip("-")


def _prop(name: str, value: object) -> dict[str, str]:
    return {"name": name, "ns": GAVEL_NS, "value": str(value)}


class _Evidence:
    """Back-matter resources for the evidence records cited, one per record."""

    def __init__(self) -> None:
        self.resources: dict[int, dict[str, Any]] = {}

    def href(self, link: EvidenceLink) -> str:
        resource = self.resources.setdefault(
            link.log_index,
            {
                "uuid": _uuid("record", link.record_digest),
                "title": f"Evidence record #{link.log_index}",
                "props": [_prop("log-index", link.log_index), _prop("record-digest", link.record_digest)],
                "document-ids": [{"scheme": RECORD_SCHEME, "identifier": link.record_digest}],
            },
        )
        return f"#{resource['uuid']}"


def _observations(
    framework: FrameworkPosture, results: tuple[OpenResult, ...], evidence: _Evidence
) -> dict[str, dict[str, Any]]:
    by_policy: defaultdict[str, list[OpenResult]] = defaultdict(list)
    for result in results:
        if result.policy_id in framework.policies:
            by_policy[result.policy_id].append(result)
    observations = {}
    for policy_id, items in sorted(by_policy.items()):
        latest = max(items, key=lambda r: r.latest.log_index)
        failing = [r for r in items if r.outcome != "warning" and not r.waived]
        observations[policy_id] = {
            "uuid": _uuid("observation", framework.name, policy_id, latest.latest.record_digest),
            "title": f"{policy_id}: {len(failing)} failing, {len(items) - len(failing)} warned or waived",
            "description": "; ".join(
                f"{r.resource_id} ({r.kind}): {r.outcome}{' (waived)' if r.waived else ''} "
                f"x{r.occurrences}, last {_time(r.last_seen)}"
                for r in items
            ),
            "methods": ["TEST"],
            "types": ["finding"],
            "subjects": [
                {"subject-uuid": _uuid("resource", r.resource_id), "type": "resource", "title": r.resource_id}
                for r in items
            ],
            "relevant-evidence": [
                {
                    "href": evidence.href(latest.latest),
                    "description": f"Signed decision #{latest.latest.log_index} "
                    f"({latest.latest.record_digest})",
                }
            ],
            "collected": _time(latest.last_seen),
        }
    return observations


def _attestation_observations(
    framework: str, attestations: tuple[AttestationRecord, ...], evidence: _Evidence
) -> dict[str, list[dict[str, Any]]]:
    """Observations of the attestations for `framework` (or naming none), keyed by requirement."""
    by_requirement: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for attestation in attestations:
        details = dict(attestation.details)
        if details.get("framework", framework) != framework:
            continue
        requirement = details.get("requirement", "")
        by = details.get("attestedBy", "unknown")
        observation: dict[str, Any] = {
            "uuid": _uuid("attestation", attestation.evidence.record_digest),
            "title": f"Attested by {by}: {framework} {requirement}".strip(),
            "description": details.get("statement") or ", ".join(attestation.subjects) or attestation.kind,
            "props": [_prop("record-kind", attestation.kind), _prop("attested-by", by)],
            "methods": ["EXAMINE"],
            "types": ["control-objective"],
            "relevant-evidence": [
                {
                    "href": evidence.href(attestation.evidence),
                    "description": f"Signed {attestation.kind} #{attestation.evidence.log_index} "
                    f"({attestation.evidence.record_digest})",
                }
            ],
            "collected": _time(attestation.recorded_at),
        }
        if details.get("expires"):
            observation["expires"] = f"{details['expires']}T23:59:59Z"
        if details.get("evidenceRef"):
            observation["remarks"] = f"Supporting evidence: {details['evidenceRef']}"
        by_requirement[requirement].append(observation)
    return by_requirement


def _attested_finding(framework: str, requirement: str, observations: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "uuid": _uuid("finding", framework, requirement),
        "title": f"{framework} {requirement}",
        "description": f"No policy checks {framework} {requirement}; it is attested by a named person.",
        "props": [_prop("assessment", "manual-attestation")],
        "target": {
            "type": "objective-id",
            "target-id": control_id(framework, requirement),
            "title": f"{framework} {requirement}",
            "status": {"state": "satisfied", "reason": "other"},
        },
        "related-observations": [{"observation-uuid": o["uuid"]} for o in observations],
    }


def _finding(
    framework: str, requirement: RequirementPosture, observations: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    rate = requirement.rate
    finding: dict[str, Any] = {
        "uuid": _uuid("finding", framework, requirement.article),
        "title": f"{framework} {requirement.article}",
        "description": (
            f"{rate.passed} of {rate.checks} checks passed ({rate.percent()}) "
            f"by policies {', '.join(requirement.policies)}."
        ),
        "props": [
            _prop("checks", rate.checks),
            _prop("failed-checks", rate.failed),
            _prop("pass-rate", rate.percent()),
        ],
        "target": {
            "type": "objective-id",
            "target-id": control_id(framework, requirement.article),
            "title": f"{framework} {requirement.article}",
            "status": {"state": "satisfied" if rate.failed == 0 else "not-satisfied"},
        },
    }
    related = [
        {"observation-uuid": observations[p]["uuid"]} for p in requirement.policies if p in observations
    ]
    if related:
        finding["related-observations"] = related
    return finding


def _result(summary: AuditSummary, framework: FrameworkPosture, evidence: _Evidence) -> dict[str, Any]:
    start = summary.since or summary.totals.first or summary.generated_at
    end = summary.until or summary.totals.last or summary.generated_at
    observations = _observations(framework, summary.open_results, evidence)
    attested = _attestation_observations(framework.name, summary.attestations, evidence)
    findings = [
        _finding(framework.name, requirement, observations)
        for requirement in framework.requirements
        if requirement.rate.checks
    ]
    checked = {finding["target"]["target-id"]: finding for finding in findings}
    for requirement, items in attested.items():
        existing = checked.get(control_id(framework.name, requirement)) if requirement else None
        if existing is not None:
            existing.setdefault("related-observations", []).extend(
                {"observation-uuid": o["uuid"]} for o in items
            )
        elif requirement:
            findings.append(_attested_finding(framework.name, requirement, items))
    controls = [{"control-id": control_id(framework.name, r.article)} for r in framework.requirements]
    result: dict[str, Any] = {
        "uuid": _uuid("result", framework.name, summary.integrity.origin, start, end),
        "title": f"{framework.name} posture, {summary.period_text()}",
        "description": (
            f"{framework.rate.passed} of {framework.rate.checks} checks of {len(framework.policies)} "
            f"{framework.name} policies passed ({framework.rate.percent()})."
        ),
        "start": _time(start),
        "end": _time(max(start, end)),
        "props": [_prop("checks", framework.rate.checks), _prop("pass-rate", framework.rate.percent())],
        "reviewed-controls": {
            "control-selections": [{"include-controls": controls} if controls else {"include-all": {}}]
        },
    }
    every_observation = [*observations.values(), *(o for items in attested.values() for o in items)]
    if every_observation:
        result["observations"] = every_observation
    if findings:
        result["findings"] = findings
    return result


class OscalAuditReport:
    name = "oscal"
    file_name = "audit-report.oscal.json"

    def render(self, summary: AuditSummary) -> bytes:
        evidence = _Evidence()
        store = summary.integrity
        results = [_result(summary, framework, evidence) for framework in summary.frameworks]
        plan = _uuid("policy-library", summary.policy_set_digest)
        log_resource: dict[str, Any] = {
            "uuid": _uuid("evidence-log", store.origin),
            "title": f"Evidence log {store.origin}",
            "description": (
                f"Verified: {'yes' if store.verified else 'NO: ' + str(store.problem)}; "
                f"{store.entries} entries." + (f" {store.scope}" if store.scope else "")
            ),
            "props": [_prop("store-verified", str(store.verified).lower())],
        }
        if store.checkpoint is not None:
            log_resource["props"].append(_prop("checkpoint-size", store.checkpoint.size))
            log_resource["props"].append(_prop("checkpoint-root", store.checkpoint.root))
            log_resource["remarks"] = store.checkpoint.note
        document = {
            "assessment-results": {
                "uuid": _uuid(
                    "assessment-results", store.origin, summary.period_text(), summary.policy_set_digest
                ),
                "metadata": {
                    "title": f"gavel compliance audit, {summary.period_text()}",
                    "last-modified": _time(summary.generated_at),
                    "version": summary.tool_version,
                    "oscal-version": OSCAL_VERSION,
                    "props": [
                        _prop("evidence-log", store.origin),
                        _prop("store-verified", str(store.verified).lower()),
                    ],
                },
                "import-ap": {
                    "href": f"#{plan}",
                    "remarks": "The assessment plan is the gavel policy library named in back-matter.",
                },
                "results": results,
                "back-matter": {
                    "resources": [
                        {
                            "uuid": plan,
                            "title": "gavel policy library",
                            "props": [_prop("policy-set-digest", summary.policy_set_digest)],
                        },
                        log_resource,
                        *(evidence.resources[index] for index in sorted(evidence.resources)),
                    ]
                },
            }
        }
        return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
