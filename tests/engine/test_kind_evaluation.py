"""`KindEvaluation`: one runtime per group of kinds, holding only the Rego its policies reach, and
judging exactly as `PreparedEvaluation` over the whole policy set does (the webhook relies on it)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml
from test_gatekeeper import SUITES, _resources

from gavel.engine.admission import AdmissionError, AdmissionVerdict, parse_review, review
from gavel.engine.admission_settings import AdmissionSettings
from gavel.engine.errors import GavelError
from gavel.engine.estate import Estate, build_estate
from gavel.engine.evaluate import PreparedEvaluation
from gavel.engine.kind_evaluation import KindEvaluation
from gavel.engine.loader import PolicySet, load_policy_set
from gavel.engine.models import Decision, Resource
from gavel.engine.rego import EmbeddedRuntime
from gavel.server.webhook import covered_kinds, kubernetes_resource

REVIEWS = sorted((Path(__file__).parent.parent / "data" / "admission" / "reviews").glob("*.json"))
NOW = datetime.fromisoformat("2026-11-24T12:00:00+00:00")


def _both(policy_set: PolicySet) -> tuple[KindEvaluation, PreparedEvaluation]:
    kinds = covered_kinds(policy_set)
    whole = PreparedEvaluation(policy_set, EmbeddedRuntime(), kinds, Estate({}, {}))
    return KindEvaluation(policy_set, kinds, EmbeddedRuntime), whole


@pytest.fixture(scope="module")
def library() -> tuple[PolicySet, KindEvaluation, PreparedEvaluation]:
    policy_set = load_policy_set(["builtin"])
    return (policy_set, *_both(policy_set))


def test_a_kind_is_judged_by_a_runtime_holding_only_the_rego_its_policies_reach(
    library: tuple[PolicySet, KindEvaluation, PreparedEvaluation],
) -> None:
    policy_set, kinds, _ = library
    pod = kinds.prepared_for("Pod")
    assert "policies/workload_security/k8s_privileged_containers/policy.rego" in pod.loaded_modules
    assert "policies/lib/k8s/k8s.rego" in pod.loaded_modules
    assert "policies/encryption_at_rest/s3_bucket_sse/policy.rego" not in pod.loaded_modules
    assert len(pod.loaded_modules) < len(policy_set.modules) / 3
    assert kinds.prepared_for("Deployment") is kinds.prepared_for("Pod")
    assert set(pod.dispatch.rule_of_kind) <= set(covered_kinds(policy_set))
    # k8s_privileged_containers defines no `warn`: it is answered empty, never asked
    assert '"k8s_privileged_containers": {"deny": [d | some d in' in pod.dispatch.module
    assert "data.gavel.workload_security.k8s_privileged_containers.warn]" not in pod.dispatch.module
    bucket = kinds.prepared_for("aws_s3_bucket").dispatch.module
    assert "data.gavel.encryption_at_rest.s3_bucket_sse.warn]" in bucket
    assert not kinds.prepared_for("NoSuchKind").dispatch.rule_of_kind


def test_a_group_is_prepared_up_front_when_asked_and_otherwise_on_first_use(
    library: tuple[PolicySet, KindEvaluation, PreparedEvaluation],
) -> None:
    policy_set = library[0]
    built: list[EmbeddedRuntime] = []

    def runtime() -> EmbeddedRuntime:
        built.append(EmbeddedRuntime())
        return built[-1]

    kinds = KindEvaluation(policy_set, covered_kinds(policy_set), runtime, prepare=["Pod"])
    assert len(built) == 1
    kinds.judge(build_estate([_resource("privileged-deployment")]), now=NOW)
    assert len(built) == 1  # a Deployment shares the Pod's policies, so their runtime
    kinds.prepared_for("Service")
    assert len(built) == 2


def _resource(name: str) -> Resource:
    request = parse_review(next(p for p in REVIEWS if p.stem == f"admission.{name}").read_bytes())
    assert request.object is not None
    typed = {"apiVersion": request.group_version, "kind": request.kind, **request.object}
    return kubernetes_resource(typed, request.namespace or "", NOW)


def _verdict(path: Path, evaluation: KindEvaluation | PreparedEvaluation) -> AdmissionVerdict | str:
    try:
        request = parse_review(path.read_bytes())
        return review(request, evaluation, AdmissionSettings(), to_resource=kubernetes_resource, now=NOW)
    except AdmissionError as error:
        return error.one_line()


@pytest.mark.parametrize("path", REVIEWS, ids=lambda path: path.stem)
def test_every_saved_review_is_judged_as_the_whole_library_judges_it(
    path: Path, library: tuple[PolicySet, KindEvaluation, PreparedEvaluation]
) -> None:
    _, kinds, whole = library
    assert _verdict(path, kinds) == _verdict(path, whole)


def test_the_decision_names_the_whole_library(
    library: tuple[PolicySet, KindEvaluation, PreparedEvaluation],
) -> None:
    policy_set, kinds, _ = library
    verdict = _verdict(next(p for p in REVIEWS if p.stem.endswith("privileged-pod")), kinds)
    assert isinstance(verdict, AdmissionVerdict) and verdict.decision is not None
    assert not verdict.response.allowed
    assert verdict.decision.policy_ids == tuple(p.id for p in policy_set.policies)
    assert verdict.decision.bundle_digest == policy_set.digest()


def _judged(evaluation: KindEvaluation | PreparedEvaluation, estate: Estate) -> Decision | str:
    try:
        return evaluation.judge(estate, now=NOW)
    except GavelError as error:
        return error.one_line()


def test_gatekeeper_library_objects_are_judged_as_the_whole_policy_set_judges_them(tmp_path: Path) -> None:
    judged = 0
    for suite in SUITES:
        for test in yaml.safe_load(suite.read_text()).get("tests") or ():
            folder = tmp_path / suite.parent.name / test["name"]
            folder.mkdir(parents=True)
            for name in ("template", "constraint"):
                (folder / f"{name}.yaml").write_bytes((suite.parent / test[name]).read_bytes())
            try:
                kinds, whole = _both(load_policy_set([folder]))
            except GavelError:
                continue  # a template the runtime rejects fails the same way either way
            for case in test.get("cases") or ():
                for resource in _resources(suite.parent / case["object"]):
                    estate = build_estate([resource])
                    assert _judged(kinds, estate) == _judged(whole, estate), f"{folder.name}/{case['name']}"
                    judged += 1
    assert judged > 250
