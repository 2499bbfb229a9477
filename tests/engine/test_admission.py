"""The pure `review()` on saved AdmissionReview v1 documents built from captured cluster requests."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from gavel.engine.admission import (
    MAX_REQUEST_BYTES,
    AdmissionError,
    AdmissionRequest,
    AdmissionVerdict,
    error_response,
    failure_verdict,
    parse_review,
    review,
)
from gavel.engine.admission_settings import (
    AdmissionSettings,
    Enforcement,
    FailureMode,
    settings_from_document,
)
from gavel.engine.errors import PolicyError
from gavel.engine.estate import Estate
from gavel.engine.evaluate import PreparedEvaluation
from gavel.engine.loader import load_policy_set
from gavel.engine.rego import EmbeddedRuntime
from gavel.server.webhook import covered_kinds, kubernetes_resource

ADMISSION = Path(__file__).parent.parent / "data" / "admission"


def _prepared(folder: Path) -> PreparedEvaluation:
    policy_set = load_policy_set([folder])
    return PreparedEvaluation(policy_set, EmbeddedRuntime(), covered_kinds(policy_set), Estate({}, {}))


@pytest.fixture(scope="module")
def prepared() -> PreparedEvaluation:
    return _prepared(ADMISSION / "policies")


def saved(name: str) -> bytes:
    return (ADMISSION / "reviews" / f"admission.{name}.json").read_bytes()


def judge(
    name: str, prepared: PreparedEvaluation, now: datetime, settings: AdmissionSettings | None = None
) -> AdmissionVerdict:
    return review(
        parse_review(saved(name)),
        prepared,
        settings or AdmissionSettings(),
        to_resource=kubernetes_resource,
        now=now,
    )


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("privileged-pod", "containers[1].securityContext.privileged"),
        ("privileged-init-container-pod", "initContainers[0].securityContext.privileged"),
        ("privileged-ephemeral-container-pod", "ephemeralContainers[0].securityContext.privileged"),
        ("privileged-deployment", "containers[0].securityContext.privileged"),
        ("privileged-statefulset", "containers[0].securityContext.privileged"),
    ],
)
def test_privileged_workloads_are_denied_with_an_actionable_message(
    name: str, field: str, prepared: PreparedEvaluation, now: datetime
) -> None:
    request = parse_review(saved(name))
    verdict = judge(name, prepared, now)
    answer = verdict.response.to_review()
    assert answer["apiVersion"] == "admission.k8s.io/v1"
    assert answer["kind"] == "AdmissionReview"
    assert answer["response"]["uid"] == request.uid
    assert answer["response"]["allowed"] is False
    assert answer["response"]["status"]["code"] == 403
    message = answer["response"]["status"]["message"]
    where = f"{request.namespace}/" if request.namespace else ""
    assert message.startswith(f"gavel denied {request.kind} {where}")
    assert "[no_privileged_containers]" in message
    assert f"({field})" in message
    assert "expected " + field + ": false" in message
    assert "Fix: Set securityContext.privileged: false" in message
    assert verdict.outcome == "deny"
    assert verdict.decision is not None and not verdict.decision.passed


def test_an_unprivileged_pod_is_allowed_with_a_warning_for_its_unpinned_image(
    prepared: PreparedEvaluation, now: datetime
) -> None:
    answer = judge("unprivileged-pod", prepared, now).response.to_review()["response"]
    assert answer["allowed"] is True
    assert "status" not in answer
    fix = (
        "(expected image: a version tag or digest). "
        "Fix: Reference images by a version tag or a digest, e.g. nginx:1.27.2."
    )
    prefix = "[image_tag_pinned] (warn) Pod nginx: image"
    assert answer["warnings"] == [
        f'{prefix} "alpine" of container "sleeping-sidecar" has no version {fix}',
        f'{prefix} "nginx" of container "nginx" has no version {fix}',
    ]


@pytest.mark.parametrize("name", ["gpu-job", "guestbook-frontend"])
def test_compliant_real_workloads_are_allowed_without_warnings(
    name: str, prepared: PreparedEvaluation, now: datetime
) -> None:
    verdict = judge(name, prepared, now)
    assert verdict.response.to_review()["response"] == {"uid": verdict.request.uid, "allowed": True}
    assert verdict.outcome == "allow"
    assert verdict.decision is not None and verdict.decision.findings == ()


def test_policies_see_the_old_object_on_update(prepared: PreparedEvaluation, now: datetime) -> None:
    lowered = judge("vllm-classification-downgrade-update", prepared, now).response
    assert not lowered.allowed
    assert "data-classification lowered from personal to internal" in lowered.message
    raised = judge("vllm-classification-raise-update", prepared, now).response
    assert raised.allowed


def test_enforcement_per_policy_and_per_namespace(prepared: PreparedEvaluation, now: datetime) -> None:
    warn_everywhere = AdmissionSettings(policies={"no_privileged_containers": Enforcement.WARN})
    verdict = judge("privileged-pod", prepared, now, warn_everywhere)
    assert verdict.response.allowed
    assert any(w.startswith("[no_privileged_containers] (warn) Pod nginx") for w in verdict.response.warnings)

    dryrun_in_default = settings_from_document(
        {"namespaces": {"default": "dryrun"}}, "enforcement.yaml", FailureMode.CLOSED
    )
    verdict = judge("privileged-pod", prepared, now, dryrun_in_default)
    assert verdict.response.allowed and verdict.response.warnings == ()
    assert {(f.policy_id, a) for f, a in verdict.enforced} == {
        ("no_privileged_containers", Enforcement.DRYRUN),
        ("image_tag_pinned", Enforcement.DRYRUN),
    }

    override = settings_from_document(
        {
            "default": "warn",
            "namespaces": {
                "default": {"default": "dryrun", "policies": {"no_privileged_containers": "deny"}}
            },
        },
        "enforcement.yaml",
        FailureMode.CLOSED,
    )
    assert not judge("privileged-pod", prepared, now, override).response.allowed
    assert override.enforcement("image_tag_pinned", "default") is Enforcement.DRYRUN
    assert override.enforcement("image_tag_pinned", "other") is Enforcement.WARN


def test_exemptions_by_namespace_glob_and_by_label(prepared: PreparedEvaluation, now: datetime) -> None:
    by_namespace = settings_from_document(
        {"exemptions": {"namespaces": ["def*"]}}, "e.yaml", FailureMode.CLOSED
    )
    verdict = judge("privileged-pod", prepared, now, by_namespace)
    assert (
        verdict.response.allowed
        and verdict.outcome == "exempt"
        and verdict.note == "namespace default is exempt"
    )
    by_label = settings_from_document(
        {"exemptions": {"labels": [{"env": "test"}]}}, "e.yaml", FailureMode.CLOSED
    )
    assert judge("privileged-pod", prepared, now, by_label).outcome == "exempt"
    other_label = settings_from_document(
        {"exemptions": {"labels": [{"env": "prod"}]}}, "e.yaml", FailureMode.CLOSED
    )
    assert judge("privileged-pod", prepared, now, other_label).outcome == "deny"


def test_delete_is_allowed_unless_a_policy_asks_to_judge_it(
    prepared: PreparedEvaluation, now: datetime
) -> None:
    assert judge("guestbook-frontend-protected-delete", prepared, now).outcome == "skip"
    asks = AdmissionSettings(evaluate_on_delete=("protected_from_deletion",))
    verdict = judge("guestbook-frontend-protected-delete", prepared, now, asks)
    assert not verdict.response.allowed
    assert "Deployment frontend is protected from deletion" in verdict.response.message


def test_connect_is_allowed_unevaluated_and_dry_run_is_judged(
    prepared: PreparedEvaluation, now: datetime
) -> None:
    connect = judge("pod-exec-connect", prepared, now)
    assert connect.response.allowed and connect.outcome == "skip" and connect.decision is None
    dry = judge("gpu-job-dry-run", prepared, now)
    assert dry.request.dry_run and dry.decision is not None and dry.response.allowed


def test_evaluation_errors_follow_the_failure_mode(now: datetime) -> None:
    broken = _prepared(ADMISSION / "broken")
    document = json.loads(saved("gpu-job"))
    document["request"]["object"]["metadata"]["labels"]["gavel.dev/gpu-memory"] = "eighty gigs"
    request = parse_review(json.dumps(document).encode())
    closed = review(request, broken, AdmissionSettings(), to_resource=kubernetes_resource, now=now)
    assert not closed.response.allowed and closed.outcome == "deny"
    assert "[parses_gpu_budget] evaluation failed" in closed.response.message
    assert closed.failure == "1 policy evaluation error(s)"
    opened = review(
        request,
        broken,
        AdmissionSettings(failure_mode=FailureMode.OPEN),
        to_resource=kubernetes_resource,
        now=now,
    )
    assert opened.response.allowed and opened.outcome == "fail-open"
    assert opened.response.warnings[0].startswith("[parses_gpu_budget] (fail-open) evaluation failed")


def test_failure_verdict_for_a_deadline(now: datetime) -> None:
    request = parse_review(saved("gpu-job"))
    closed = failure_verdict(request, AdmissionSettings(), "deadline passed")
    assert closed.response.to_review()["response"]["status"] == {
        "code": 500,
        "message": "gavel could not evaluate Job ml-train/j-e2e-1: deadline passed (fail-closed)",
        "reason": "BadRequest",
    }
    opened = failure_verdict(request, AdmissionSettings(failure_mode=FailureMode.OPEN), "deadline passed")
    assert opened.response.allowed and opened.response.warnings


def _mutated(change: Any) -> bytes:
    document = json.loads(saved("gpu-job"))
    change(document)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("body", "message", "uid"),
    [
        (b"{not json", "body is not JSON", None),
        (b"[1, 2]", "body must be a JSON object", None),
        (
            _mutated(lambda d: d.update(apiVersion="admission.k8s.io/v1beta1")),
            "expected apiVersion",
            "3f1c2a7e-8d0b-4c51-9a55-0d1f6e2b7c01",
        ),
        (
            _mutated(lambda d: d.update(kind="Pod")),
            "expected apiVersion admission.k8s.io/v1 kind AdmissionReview",
            "3f1c2a7e-8d0b-4c51-9a55-0d1f6e2b7c01",
        ),
        (_mutated(lambda d: d["request"].pop("uid")), "request.uid is missing", None),
        (
            _mutated(lambda d: d["request"].update(operation="PATCH")),
            "request.operation must be one of",
            "3f1c2a7e-8d0b-4c51-9a55-0d1f6e2b7c01",
        ),
        (
            _mutated(lambda d: d["request"].update(object="x")),
            "request.object must be an object",
            "3f1c2a7e-8d0b-4c51-9a55-0d1f6e2b7c01",
        ),
        (b" " * (MAX_REQUEST_BYTES + 1), "exceeds the 3145728-byte limit", None),
    ],
)
def test_malformed_reviews_raise_an_error_that_becomes_a_well_formed_answer(
    body: bytes, message: str, uid: str | None
) -> None:
    with pytest.raises(AdmissionError) as raised:
        parse_review(body)
    assert message in raised.value.message
    assert raised.value.uid == uid
    answer = error_response(raised.value).to_review()
    assert answer["kind"] == "AdmissionReview"
    assert answer["response"]["allowed"] is False
    assert answer["response"]["uid"] == (uid or "")
    assert answer["response"]["status"]["code"] == 400


def test_a_create_without_an_object_is_an_error(prepared: PreparedEvaluation, now: datetime) -> None:
    request = AdmissionRequest(**{**parse_review(saved("gpu-job")).__dict__, "object": None})
    with pytest.raises(AdmissionError, match=r"must carry request\.object"):
        review(request, prepared, AdmissionSettings(), to_resource=kubernetes_resource, now=now)


def test_enforcement_config_errors_name_the_file_and_key() -> None:
    with pytest.raises(
        PolicyError, match=r"enforcement.yaml: policies.x: enforcement must be one of deny, warn, dryrun"
    ):
        settings_from_document({"policies": {"x": "block"}}, "enforcement.yaml", FailureMode.CLOSED)
    with pytest.raises(PolicyError, match=r"unknown keys \['exemption'\]"):
        settings_from_document({"exemption": {}}, "enforcement.yaml", FailureMode.CLOSED)


def test_a_namespace_label_classifies_what_is_admitted_into_it(now: datetime) -> None:
    library = PreparedEvaluation(
        policy_set := load_policy_set(["builtin"]),
        EmbeddedRuntime(),
        covered_kinds(policy_set),
        Estate({}, {}),
    )
    request = parse_review(saved("gpu-job-ml-serving"))
    namespace = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "ml-serving", "labels": {"data-classification": "personal"}},
    }

    def policies(namespace: dict[str, Any] | None) -> set[str]:
        verdict = review(
            request,
            library,
            AdmissionSettings(),
            to_resource=kubernetes_resource,
            now=now,
            namespace=namespace,
        )
        assert verdict.decision is not None
        return {f.policy_id for f in verdict.decision.findings}

    assert "gpu_personal_data_in_eea" not in policies(None)
    with_label = policies(namespace)
    assert "gpu_personal_data_in_eea" in with_label
    assert "gpu_personal_data_in_eea" not in policies({**namespace, "metadata": {"name": "ml-serving"}})
