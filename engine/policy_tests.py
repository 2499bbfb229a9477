"""The two levels of policy tests: Rego unit tests, and samples judged by the Python engine.

Unit tests check a rule's logic in isolation; samples check the whole path a user's document
takes (adapter, estate, dispatch, metadata), so a policy that passes its unit tests but never
applies to real resources is caught.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .loader import Policy, PolicySet
from .models import Decision, Outcome
from .rego import EvaluationError, RegoBundle, RegoRuntime


@dataclass(frozen=True)
class TestResult:
    """One test's name, verdict and, when it failed, why."""

    name: str
    passed: bool
    detail: str = ""


def run_rego_unit_tests(policy_set: PolicySet, runtime: RegoRuntime) -> list[TestResult]:
    """Evaluate every `test_*` rule; a test passes only when it is defined and exactly `true`."""
    modules = {**policy_set.modules, **policy_set.test_modules}
    data = {"gavel": {"data": policy_set.data, "estate": {"resources": {}, "edges": []}}}
    runtime.load(RegoBundle(modules=modules, data=data, rego_v0_modules=policy_set.rego_v0_modules))
    results = []
    for test in policy_set.tests:
        name = f"{test.path}: {test.rule}"
        try:
            defined, value = runtime.query(f"{test.package}.{test.rule}", {})
        except EvaluationError as error:
            results.append(TestResult(name, False, f"error: {error.one_line()}"))
            continue
        passed = defined and value is True
        results.append(
            TestResult(name, passed, "" if passed else "undefined" if not defined else f"got {value!r}")
        )
    return results


def only(policy_set: PolicySet, policy: Policy) -> PolicySet:
    """The same bundle with a single policy to evaluate, for judging that policy's samples."""
    return dataclasses.replace(policy_set, policies=(policy,))


def judge_sample(policy: Policy, sample: str, decision: Decision, expect_denied: bool) -> TestResult:
    """A denied sample needs at least one violation by this policy; an allowed one none at all."""
    mine = [f for f in decision.findings if f.policy_id == policy.id]
    violations = [f for f in mine if f.outcome is Outcome.VIOLATION]
    errors = [f for f in mine if f.outcome is Outcome.ERROR]
    name = f"{policy.id}: {'denied' if expect_denied else 'allowed'} sample {sample}"
    if errors:
        return TestResult(name, False, errors[0].message)
    if expect_denied and not violations:
        return TestResult(
            name, False, f"expected a deny, got none ({len(decision.resources)} resources evaluated)"
        )
    if not expect_denied and violations:
        return TestResult(name, False, f"expected no deny, got: {violations[0].message}")
    return TestResult(name, True)
