"""Which policies serve which requirement, whether the mapping holds together, and what is covered.

A requirement lists gavel control ids; a policy declares the controls it implements. The policies
serving a requirement are the active (not deprecated) policies declaring one of its controls, so
adding a policy never means editing a framework file. What a policy declares in `regulations` is a
claim checked against that mapping: it must name a requirement that exists, is not deprecated,
and lists one of the policy's controls. Requirements no machine can check are covered by a
person's unexpired attestation instead. Pure functions: the caller passes policies, attestations
and the day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from .frameworks import Assessment, Framework, FrameworkLibrary, Requirement
from .loader import Policy
from .models import Regulation


@dataclass(frozen=True)
class Attestation:
    """A named person's signed statement that a requirement is met, valid through `expires`."""

    framework: str
    requirement: str
    by: str
    statement: str
    expires: date
    attested_at: datetime
    evidence_ref: str | None = None
    record_digest: str = ""
    log_index: int | None = None

    def valid_on(self, day: date) -> bool:
        return day <= self.expires

    def to_document(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "requirement": self.requirement,
            "by": self.by,
            "statement": self.statement,
            "expires": self.expires.isoformat(),
            "attested_at": self.attested_at.isoformat(),
            "evidence_ref": self.evidence_ref,
            "record_digest": self.record_digest,
            "log_index": self.log_index,
        }


class Status(StrEnum):
    COVERED = "covered"
    ATTESTED = "attested"
    ATTESTATION_EXPIRED = "attestation-expired"
    ATTESTATION_MISSING = "attestation-missing"
    NOT_COVERED = "not-covered"
    OUT_OF_SCOPE = "out-of-scope"
    DEPRECATED = "deprecated"


SATISFIED = frozenset({Status.COVERED, Status.ATTESTED})


@dataclass(frozen=True)
class RequirementCoverage:
    """One requirement: the policies serving it, and its attestation when a person must attest it."""

    requirement: Requirement
    policies: tuple[str, ...]
    status: Status
    attestation: Attestation | None = None

    def to_document(self) -> dict[str, Any]:
        requirement = self.requirement
        return {
            "id": requirement.id,
            "title": requirement.title,
            "assessment": requirement.assessment.value,
            "status": self.status.value,
            "controls": list(requirement.controls),
            "policies": list(self.policies),
            "reason": requirement.reason or None,
            "attestation": self.attestation.to_document() if self.attestation else None,
        }


@dataclass(frozen=True)
class FrameworkCoverage:
    framework: Framework
    requirements: tuple[RequirementCoverage, ...]

    def summary(self) -> dict[str, int]:
        """Counts per status, plus how many in-scope requirements there are and how many are met."""
        counts = Counter(r.status.value for r in self.requirements)
        in_scope = [r for r in self.requirements if r.requirement.active]
        return {
            "requirements": len(self.requirements),
            "in_scope": len(in_scope),
            "satisfied": sum(1 for r in in_scope if r.status in SATISFIED),
            **{status.value: counts.get(status.value, 0) for status in Status},
        }

    def to_document(self) -> dict[str, Any]:
        return {
            "framework": self.framework.name,
            "title": self.framework.title,
            "summary": self.summary(),
            "requirements": [r.to_document() for r in self.requirements],
        }


def _gavel_policies(policies: Iterable[Policy]) -> list[Policy]:
    return [p for p in policies if not p.conftest]


def policies_by_control(policies: Iterable[Policy]) -> dict[str, list[Policy]]:
    """Control id -> the policies declaring it, deprecated ones included (callers filter)."""
    found: dict[str, list[Policy]] = {}
    for policy in _gavel_policies(policies):
        for control in policy.metadata.controls:
            found.setdefault(control, []).append(policy)
    return found


def serving_policies(requirement: Requirement, by_control: Mapping[str, Sequence[Policy]]) -> tuple[str, ...]:
    """Ids of the active policies that implement one of the requirement's controls (on its kinds)."""
    return tuple(
        sorted(
            {
                policy.id
                for control in requirement.controls
                for policy in by_control.get(control, ())
                if not policy.metadata.deprecated
                and requirement.served_by(policy.metadata.controls, policy.metadata.resource_kinds)
            }
        )
    )


def mapped_regulations(library: FrameworkLibrary, policy: Policy) -> tuple[Regulation, ...]:
    """Every requirement, across frameworks, that one of the policy's controls is mapped to."""
    meta = policy.metadata
    return tuple(
        Regulation(framework.name, requirement.id)
        for framework in library.frameworks.values()
        for requirement in framework.requirements
        if requirement.active and requirement.served_by(meta.controls, meta.resource_kinds)
    )


def _framework_problems(library: FrameworkLibrary, by_control: Mapping[str, Sequence[Policy]]) -> list[str]:
    problems = []
    for framework in library.frameworks.values():
        for requirement in framework.requirements:
            where = f"{framework.path}: {requirement.id}"
            for control_id in requirement.controls:
                control = library.controls.get(control_id)
                if control is None:
                    problems.append(f"{where}: control {control_id} is not in {library.controls_path}")
                elif control.deprecated and requirement.active:
                    problems.append(f"{where}: control {control_id} is deprecated")
            automated = requirement.active and requirement.assessment is Assessment.AUTOMATED
            if automated and not serving_policies(requirement, by_control):
                retired = sorted({p.id for c in requirement.controls for p in by_control.get(c, ())})
                detail = f" (only deprecated: {', '.join(retired)})" if retired else ""
                problems.append(
                    f"{where}: automated requirement has no active policy{detail}; map a control "
                    "that policies implement, or mark it `assessment: attestation` with a reason"
                )
    return problems


def _regulation_problems(library: FrameworkLibrary, policy: Policy) -> list[str]:
    where = f"{policy.folder}: policy {policy.id}"
    problems: list[str] = []
    counts = Counter(policy.metadata.regulations)
    problems.extend(f"{where}: regulation {r} is listed twice" for r, n in counts.items() if n > 1)
    for regulation in counts:
        framework = library.frameworks.get(regulation.framework)
        if framework is None:
            problems.append(f"{where}: regulation {regulation}: no framework file for {regulation.framework}")
            continue
        requirement = framework.requirement(regulation.article)
        if requirement is None:
            problems.append(f"{where}: regulation {regulation} is not a requirement in {framework.path}")
        elif requirement.deprecated:
            successors = ", ".join(requirement.replaced_by) or "nothing"
            problems.append(f"{where}: regulation {regulation} is deprecated (replaced by {successors})")
        elif requirement.assessment is Assessment.OUT_OF_SCOPE:
            problems.append(f"{where}: regulation {regulation} is marked out of scope in {framework.path}")
        elif not requirement.served_by(policy.metadata.controls, policy.metadata.resource_kinds):
            problems.append(
                f"{where}: cites {regulation} but none of its controls "
                f"{list(policy.metadata.controls)} is mapped to it (for its resource kinds) "
                f"in {framework.path}"
            )
    return problems


def _policy_problems(library: FrameworkLibrary, policies: Sequence[Policy]) -> list[str]:
    by_id = {p.id: p for p in policies}
    problems = []
    for policy in policies:
        meta, where = policy.metadata, f"{policy.folder}: policy {policy.id}"
        for control_id in meta.controls:
            control = library.controls.get(control_id)
            if control is None:
                problems.append(f"{where}: control {control_id} is not in {library.controls_path}")
            elif control.deprecated and not meta.deprecated:
                problems.append(f"{where}: control {control_id} is deprecated")
        if meta.replaced_by and not meta.deprecated:
            problems.append(f"{where}: names replaced_by but is not deprecated")
        for successor in meta.replaced_by:
            if successor not in by_id:
                problems.append(f"{where}: replaced_by names policy {successor!r}, which does not exist")
            elif by_id[successor].metadata.deprecated:
                problems.append(f"{where}: replaced_by names policy {successor!r}, which is deprecated too")
        if not meta.deprecated:
            problems.extend(_regulation_problems(library, policy))
    return problems


def mapping_problems(library: FrameworkLibrary, policies: Sequence[Policy]) -> list[str]:
    """Dangling, duplicate, deprecated or unserved references between frameworks, controls and policies."""
    gavel_policies = _gavel_policies(policies)
    return _framework_problems(library, policies_by_control(gavel_policies)) + _policy_problems(
        library, gavel_policies
    )


def _latest(attestations: Sequence[Attestation], today: date) -> Attestation | None:
    """The valid attestation expiring last, else the most recently expired one."""
    if not attestations:
        return None
    valid = [a for a in attestations if a.valid_on(today)]
    return max(valid or attestations, key=lambda a: (a.expires, a.attested_at))


def _status(
    requirement: Requirement, policies: tuple[str, ...], attestation: Attestation | None, today: date
) -> Status:
    if requirement.deprecated:
        return Status.DEPRECATED
    if requirement.assessment is Assessment.OUT_OF_SCOPE:
        return Status.OUT_OF_SCOPE
    if requirement.assessment is Assessment.ATTESTATION:
        if attestation is None:
            return Status.ATTESTATION_MISSING
        return Status.ATTESTED if attestation.valid_on(today) else Status.ATTESTATION_EXPIRED
    return Status.COVERED if policies else Status.NOT_COVERED


def framework_coverage(
    framework: Framework,
    policies: Sequence[Policy],
    attestations: Sequence[Attestation],
    today: date,
) -> FrameworkCoverage:
    """Each requirement of one framework with its serving policies and attestation status on `today`."""
    by_control = policies_by_control(policies)
    by_requirement: dict[str, list[Attestation]] = {}
    for attestation in attestations:
        if attestation.framework == framework.name:
            by_requirement.setdefault(attestation.requirement, []).append(attestation)
    rows = []
    for requirement in framework.requirements:
        serving = serving_policies(requirement, by_control)
        latest = _latest(by_requirement.get(requirement.id, []), today)
        status = _status(requirement, serving, latest, today)
        rows.append(RequirementCoverage(requirement, serving, status, latest))
    return FrameworkCoverage(framework, tuple(rows))
