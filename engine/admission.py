"""Kubernetes admission as a pure function: an AdmissionReview v1 request in, its response out.

The webhook server only moves bytes; everything the API server and a developer see is decided
here: which operations are judged, which namespaces and labels are exempt, how each policy is
enforced in each namespace (`deny` blocks, `warn` advises, `dryrun` is only recorded), what the
denial message says, and what happens when evaluation fails (`fail-closed` or `fail-open`).
Nothing here reads a clock, a file or a socket: the caller passes the prepared evaluation, the
settings, a converter from Kubernetes object to `Resource` (the adapter's job) and `now`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from .admission_settings import AdmissionSettings, Enforcement, FailureMode
from .errors import GavelError, InputError, SourceLocation
from .estate import Estate, build_estate
from .models import Decision, Finding, Outcome, Resource

API_VERSION = "admission.k8s.io/v1"
MAX_REQUEST_BYTES = 3 * 1024 * 1024  # the API server's own limit on a request body
OPERATIONS = ("CREATE", "UPDATE", "DELETE", "CONNECT")
MAX_WARNING_CHARS = 256  # the API server truncates longer warnings

ResourceBuilder = Callable[[Mapping[str, Any], str, datetime], Resource]


class Evaluation(Protocol):
    """A policy set prepared once and asked about one object at a time (`PreparedEvaluation`,
    or the webhook's `KindEvaluation`)."""

    def judge(
        self, estate: Estate, *, now: datetime, old_documents: Mapping[str, Mapping[str, Any]] | None = None
    ) -> Decision: ...


class AdmissionError(InputError):
    """An AdmissionReview that cannot be judged; `uid` is set when the request's uid could be read."""

    def __init__(self, message: str, uid: str | None = None, api_version: str = API_VERSION):
        super().__init__(message, SourceLocation("AdmissionReview"))
        self.uid = uid
        self.api_version = api_version


@dataclass(frozen=True)
class AdmissionRequest:
    """The parts of `request` gavel judges by, validated."""

    uid: str
    api_version: str
    kind: str
    group_version: str
    operation: str
    namespace: str | None
    name: str
    object: Mapping[str, Any] | None
    old_object: Mapping[str, Any] | None
    dry_run: bool
    username: str
    body_digest: str

    @property
    def subject(self) -> Mapping[str, Any] | None:
        """The object policies judge: the new one, or the one being deleted."""
        return self.old_object if self.operation == "DELETE" else self.object


def _mapping_or_none(value: Any, name: str, uid: str, api_version: str) -> Mapping[str, Any] | None:
    if value is None or isinstance(value, Mapping):
        return value
    raise AdmissionError(f"request.{name} must be an object", uid, api_version)


def parse_review(body: bytes) -> AdmissionRequest:
    """Validate an AdmissionReview body; every problem is an `AdmissionError` saying which field."""
    if len(body) > MAX_REQUEST_BYTES:
        raise AdmissionError(f"request body of {len(body)} bytes exceeds the {MAX_REQUEST_BYTES}-byte limit")
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise AdmissionError(f"body is not JSON: {error}") from None
    if not isinstance(document, Mapping):
        raise AdmissionError("body must be a JSON object (an AdmissionReview)")
    request = document.get("request")
    uid = request.get("uid") if isinstance(request, Mapping) else None
    uid = uid if isinstance(uid, str) and uid else None
    api_version = document.get("apiVersion")
    answer_version = (
        api_version
        if isinstance(api_version, str) and api_version.startswith("admission.k8s.io/")
        else API_VERSION
    )
    if api_version != API_VERSION or document.get("kind") != "AdmissionReview":
        raise AdmissionError(
            f"expected apiVersion {API_VERSION} kind AdmissionReview, "
            f"got {api_version!r} {document.get('kind')!r}",
            uid,
            answer_version,
        )
    if not isinstance(request, Mapping):
        raise AdmissionError("AdmissionReview has no request object", uid)
    if uid is None:
        raise AdmissionError("request.uid is missing or empty")
    operation = request.get("operation")
    if operation not in OPERATIONS:
        raise AdmissionError(
            f"request.operation must be one of {', '.join(OPERATIONS)}, got {operation!r}", uid
        )
    gvk = request.get("kind")
    if not (isinstance(gvk, Mapping) and isinstance(gvk.get("kind"), str) and gvk["kind"]):
        raise AdmissionError("request.kind.kind is missing", uid)
    namespace = request.get("namespace")
    user = request.get("userInfo")
    return AdmissionRequest(
        uid=uid,
        api_version=API_VERSION,
        kind=gvk["kind"],
        group_version="/".join(str(gvk[k]) for k in ("group", "version") if gvk.get(k)),
        operation=operation,
        namespace=namespace if isinstance(namespace, str) and namespace else None,
        name=str(request.get("name") or ""),
        object=_mapping_or_none(request.get("object"), "object", uid, API_VERSION),
        old_object=_mapping_or_none(request.get("oldObject"), "oldObject", uid, API_VERSION),
        dry_run=request.get("dryRun") is True,
        username=str(user.get("username", "")) if isinstance(user, Mapping) else "",
        body_digest="sha256:" + hashlib.sha256(body).hexdigest(),
    )


@dataclass(frozen=True)
class AdmissionResponse:
    """The `response` member of the answer, plus the review's apiVersion it must carry."""

    uid: str
    allowed: bool
    code: int = 200
    message: str = ""
    warnings: tuple[str, ...] = ()
    api_version: str = API_VERSION
    audit_annotations: Mapping[str, str] = field(default_factory=dict)

    def to_review(self) -> dict[str, Any]:
        response: dict[str, Any] = {"uid": self.uid, "allowed": self.allowed}
        if self.message or not self.allowed:
            response["status"] = {"code": self.code, "message": self.message}
            if not self.allowed:
                response["status"]["reason"] = "Forbidden" if self.code == 403 else "BadRequest"
        if self.warnings:
            response["warnings"] = list(self.warnings)
        if self.audit_annotations:
            response["auditAnnotations"] = dict(self.audit_annotations)
        return {"apiVersion": self.api_version, "kind": "AdmissionReview", "response": response}


@dataclass(frozen=True)
class AdmissionVerdict:
    """A response and what led to it: the decision to record and how each finding was enforced."""

    request: AdmissionRequest
    response: AdmissionResponse
    outcome: str
    decision: Decision | None = None
    enforced: tuple[tuple[Finding, Enforcement], ...] = ()
    failure: str | None = None
    note: str = ""


def error_response(error: AdmissionError) -> AdmissionResponse:
    """The well-formed answer to a request that cannot be judged."""
    return AdmissionResponse(error.uid or "", False, 400, error.message, api_version=error.api_version)


def _describe(request: AdmissionRequest) -> str:
    where = f"{request.namespace}/" if request.namespace else ""
    return f"{request.kind} {where}{request.name or '(unnamed)'}"


def _explain(finding: Finding, label: str = "") -> str:
    text = f"[{finding.policy_id}] {label}{finding.message}"
    expected = finding.details.get("expected")
    if expected is not None:
        text += f" (expected {finding.details.get('field', 'value')}: {expected})"
    fix = finding.remediation.strip().splitlines()[0] if finding.remediation.strip() else ""
    return f"{text}. Fix: {fix}" if fix else text


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_WARNING_CHARS else text[: MAX_WARNING_CHARS - 1] + "…"


def _conclude(request: AdmissionRequest, decision: Decision, settings: AdmissionSettings) -> AdmissionVerdict:
    enforced: list[tuple[Finding, Enforcement]] = []
    blocking: list[str] = []
    warnings: list[str] = []
    errors = 0
    for finding in decision.findings:
        if finding.waived:
            continue
        action = settings.enforcement(finding.policy_id, request.namespace)
        enforced.append((finding, action))
        errors += finding.outcome is Outcome.ERROR
        if action is Enforcement.DRYRUN:
            continue
        fails_closed = finding.outcome is Outcome.ERROR and settings.failure_mode is FailureMode.CLOSED
        if action is Enforcement.DENY and (finding.outcome is Outcome.VIOLATION or fails_closed):
            blocking.append(_explain(finding))
        else:
            label = "(fail-open) " if finding.outcome is Outcome.ERROR else "(warn) "
            warnings.append(_bounded(_explain(finding, label)))
    allowed = not blocking
    message = "" if allowed else f"gavel denied {_describe(request)}: " + "; ".join(blocking)
    outcome = "allow" if allowed else "deny"
    if errors:
        outcome = "fail-open" if allowed and settings.failure_mode is FailureMode.OPEN else outcome
    response = AdmissionResponse(request.uid, allowed, 200 if allowed else 403, message, tuple(warnings))
    reasons = (message,) if message else ()
    recorded = dataclasses.replace(decision, passed=allowed, reasons=reasons)
    failure = f"{errors} policy evaluation error(s)" if errors else None
    return AdmissionVerdict(request, response, outcome, recorded, tuple(enforced), failure)


def _passthrough(request: AdmissionRequest, outcome: str, note: str) -> AdmissionVerdict:
    return AdmissionVerdict(request, AdmissionResponse(request.uid, True), outcome, note=note)


def failure_verdict(request: AdmissionRequest, settings: AdmissionSettings, reason: str) -> AdmissionVerdict:
    """The answer when the request could not be judged (evaluation raised or ran past its deadline)."""
    allowed = settings.failure_mode is FailureMode.OPEN
    text = f"gavel could not evaluate {_describe(request)}: {reason} ({settings.failure_mode.value})"
    response = AdmissionResponse(
        request.uid,
        allowed,
        200 if allowed else 500,
        "" if allowed else text,
        (_bounded(text),) if allowed else (),
    )
    return AdmissionVerdict(request, response, settings.failure_mode.value, failure=reason)


def _typed(obj: Mapping[str, Any], request: AdmissionRequest) -> Mapping[str, Any]:
    """The object with `apiVersion` and `kind` from the request when the API server left them out."""
    if obj.get("apiVersion") and obj.get("kind"):
        return obj
    return {
        **obj,
        "apiVersion": obj.get("apiVersion") or request.group_version,
        "kind": obj.get("kind") or request.kind,
    }


def review(
    request: AdmissionRequest,
    evaluation: Evaluation,
    settings: AdmissionSettings,
    *,
    to_resource: ResourceBuilder,
    now: datetime,
    namespace: Mapping[str, Any] | None = None,
    annotate: Callable[[Decision, Estate], Decision] | None = None,
) -> AdmissionVerdict:
    """Judge one admission request; evaluation failures follow `settings.failure_mode`.

    `namespace` is the request namespace's Namespace object when the caller looked it up: a
    review carries only the object, yet a namespace label classifies everything in it (DESIGN.md
    section 3). It informs the judgement and is not judged itself. `annotate` may rewrite the
    decision's findings before the answer is written (the webhook names placement alternatives).
    """
    if request.operation == "CONNECT":
        return _passthrough(request, "skip", "CONNECT is not evaluated")
    if request.operation == "DELETE" and not settings.evaluate_on_delete:
        return _passthrough(request, "skip", "no policy evaluates DELETE")
    subject = request.subject
    if subject is None:
        member = "oldObject" if request.operation == "DELETE" else "object"
        raise AdmissionError(f"a {request.operation} request must carry request.{member}", request.uid)
    metadata = subject.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, Mapping) else None
    exemption = settings.exemption(request.namespace, labels if isinstance(labels, Mapping) else {})
    if exemption is not None:
        return _passthrough(request, "exempt", exemption)
    try:
        resource = to_resource(_typed(subject, request), request.namespace or "", now)
        old = None
        if request.operation == "UPDATE" and request.old_object is not None:
            previous = to_resource(_typed(request.old_object, request), request.namespace or "", now)
            old = {resource.id: previous.to_document()}
        estate = build_estate([resource])
        if namespace is not None:
            with_namespace = build_estate([to_resource(namespace, "", now), resource])
            classification = {resource.id: with_namespace.classification[resource.id]}
            estate = dataclasses.replace(estate, classification=classification)
        decision = evaluation.judge(estate, now=now, old_documents=old)
        if annotate is not None:
            decision = annotate(decision, estate)
    except InputError as error:
        raise AdmissionError(
            f"{_describe(request)} is not a valid object: {error.message}", request.uid
        ) from None
    except GavelError as error:
        return failure_verdict(request, settings, error.one_line())
    if request.operation == "DELETE":
        kept = tuple(f for f in decision.findings if f.policy_id in settings.evaluate_on_delete)
        decision = dataclasses.replace(decision, findings=kept)
    return _conclude(request, decision, settings)
