"""Evaluate a policy set over an estate: one Rego query per resource, findings, waivers, risk, gate.

Speed comes from asking once per resource for every applicable policy's `deny` and `warn`
(a generated dispatch module, one rule per resource kind), instead of once per policy, and from
loading only the modules that dispatch can reach (`module_index`). When that combined query
raises, each policy is asked on its own so the error is pinned to the policy that raised: it
becomes an error finding, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from .estate import Estate
from .loader import DISPATCH_PACKAGE, Policy, PolicySet
from .models import Decision, Finding, GatePolicy, Outcome, Waiver
from .module_index import ModuleIndex
from .rego import EmbeddedRuntime, EvaluationError, RegoBundle, RegoRuntime, SharedData
from .risk import DEFAULT_WEIGHTS, judge, risk_score
from .waivers import apply_waivers

DEFAULT_GATE = GatePolicy()
_OUTCOME_OF_RULE = {"deny": Outcome.VIOLATION, "violation": Outcome.VIOLATION, "warn": Outcome.WARNING}


@dataclass(frozen=True)
class _Dispatch:
    """The generated module and, per resource kind, the rule that evaluates its policies."""

    module: str
    rule_of_kind: Mapping[str, str]
    policies_of_kind: Mapping[str, tuple[Policy, ...]]
    conftest: tuple[Policy, ...]


def _collect(policy: Policy, index: ModuleIndex | None = None) -> str:
    rules = ", ".join(
        f'"{rule}": [d | some d in data.{policy.package}.{rule}]'
        if index is None or index.may_define(policy.package, rule)
        else f'"{rule}": []'
        for rule in policy.rules
    )
    return f'"{policy.id}": {{{rules}}}'


def _object_rule(name: str, entries: Sequence[str]) -> str:
    """`name := {...}` with one entry a line: regorus refuses lines over 1,024 columns."""
    body = ",\n\t".join(entries)
    return f"{name} := {{\n\t{body},\n}}" if entries else f"{name} := {{}}"


def build_dispatch(
    policies: Sequence[Policy], kinds: Sequence[str], index: ModuleIndex | None = None
) -> _Dispatch:
    """One rule per kind collecting every applicable policy's results in one evaluation.

    With an `index` of the loaded modules, a result rule no module can define (most policies
    have no `warn`) is answered as empty without asking the runtime, which pays for every
    reference it resolves; without one every result rule is asked.
    """
    native = [p for p in policies if not p.conftest]
    conftest = tuple(p for p in policies if p.conftest)
    lines = [f"package {DISPATCH_PACKAGE}", "import rego.v1", ""]
    rule_of_kind: dict[str, str] = {}
    policies_of_kind: dict[str, tuple[Policy, ...]] = {}
    for number, kind in enumerate(sorted(set(kinds))):
        applicable = tuple(p for p in native if p.metadata.applies_to(kind))
        if not applicable:
            continue
        rule = f"kind_{number}"
        rule_of_kind[kind] = rule
        policies_of_kind[kind] = applicable
        lines.append(_object_rule(rule, [_collect(p, index) for p in applicable]))
    if conftest:
        lines.append(_object_rule("conftest", [_collect(p, index) for p in conftest]))
    return _Dispatch("\n".join(lines) + "\n", rule_of_kind, policies_of_kind, conftest)


def data_document(policy_set: PolicySet, estate: Estate) -> SharedData:
    """The base data document: the policy set's data and the estate, as `data.gavel`; parsed
    once however many runtimes load it."""
    return SharedData(gavel={"data": policy_set.data, "estate": estate.to_document()})


def bundle_for(
    policy_set: PolicySet,
    data: Mapping[str, Any],
    dispatch_module: str,
    modules: Mapping[str, str] | None = None,
) -> RegoBundle:
    """The policy set's modules (or the subset `modules`), the dispatch module and `data`."""
    modules = {
        **(policy_set.modules if modules is None else modules),
        f"{DISPATCH_PACKAGE}.rego": dispatch_module,
    }
    return RegoBundle(modules=modules, data=data, rego_v0_modules=policy_set.rego_v0_modules)


def _message_and_details(entry: Any) -> tuple[str, Mapping[str, Any]]:
    """An entry of a result rule (decoded JSON, so an object is a `dict`): its message and details."""
    if isinstance(entry, dict):
        message = entry.get("msg") or entry.get("message") or str(entry)
        details = entry.get("details")
        if not isinstance(details, dict):
            details = {k: v for k, v in entry.items() if k not in ("msg", "message")}
        return str(message), details
    return str(entry), {}


class Verdict(NamedTuple):
    """One finding as the runtime gave it, before it is tied to its policy's metadata and its
    resource: small enough to send back from a worker process (`engine/forked.py`)."""

    policy_id: str
    outcome: Outcome
    message: str
    details: Mapping[str, Any]


def _verdicts_from(policy: Policy, results: Mapping[str, Any]) -> list[Verdict]:
    verdicts = []
    for rule, entries in results.items():
        outcome = _OUTCOME_OF_RULE[rule.split("_", 1)[0]]
        for entry in sorted(entries, key=str) if len(entries) > 1 else entries:
            message, details = _message_and_details(entry)
            verdicts.append(Verdict(policy.id, outcome, message, details))
    return verdicts


def _finding_of(policy: Policy, ref: Any, verdict: Verdict) -> Finding:
    """The finding a verdict is, with its policy's title, severity and mappings."""
    meta = policy.metadata
    return Finding(
        policy_id=meta.id,
        title=meta.title,
        severity=meta.severity,
        outcome=verdict.outcome,
        resource=ref,
        message=verdict.message,
        details=verdict.details,
        controls=meta.controls,
        regulations=meta.regulations,
        remediation=meta.remediation,
    )


def _evaluate_one_by_one(
    runtime: RegoRuntime, policies: Sequence[Policy], input_document: Mapping[str, Any]
) -> list[Verdict]:
    """The slow path after a combined query raised: find which policies raise, keep the others."""
    verdicts = []
    for policy in policies:
        try:
            results = {}
            for rule in policy.rules:
                defined, value = runtime.query(f"{policy.package}.{rule}", input_document)
                results[rule] = value if defined and isinstance(value, list) else []
        except EvaluationError as error:
            message = f"evaluation failed: {error.one_line()}"
            verdicts.append(Verdict(policy.id, Outcome.ERROR, message, {}))
            continue
        verdicts.extend(_verdicts_from(policy, results))
    return verdicts


def _query_group(
    runtime: RegoRuntime, path: str, policies: Sequence[Policy], input_document: Mapping[str, Any]
) -> list[Verdict]:
    try:
        defined, value = runtime.query(path, input_document)
    except EvaluationError:
        return _evaluate_one_by_one(runtime, policies, input_document)
    if not defined:
        return []
    verdicts = []
    for policy in policies:
        results = value.get(policy.id, {})
        if any(results.values()):
            verdicts.extend(_verdicts_from(policy, results))
    return verdicts


def _reachable(policy_set: PolicySet, dispatch: _Dispatch, index: ModuleIndex) -> dict[str, str]:
    """The modules the dispatch can reach. The modules of policies that judge none of the kinds,
    and the helpers that nothing kept imports, are left out: the runtime walks every loaded
    module on each reference it resolves, so every module costs on every resource."""
    asked = [p for group in dispatch.policies_of_kind.values() for p in group] + list(dispatch.conftest)
    idle = {p.package for p in policy_set.policies} - {p.package for p in asked}
    return index.needed(policy_set.modules, idle)


class PreparedEvaluation:
    """A policy set loaded once into a runtime, then asked about estates many times.

    `evaluate` prepares and judges in one go; the admission webhook prepares once per runtime
    (with an empty estate as `data.gavel.estate`) and judges one object per request, saving the
    bundle compilation `runtime.load` costs on every call. The runtime stays thread-affine.
    """

    def __init__(
        self,
        policy_set: PolicySet,
        runtime: RegoRuntime,
        kinds: Sequence[str],
        loaded: Estate | Mapping[str, Any],
        index: ModuleIndex | None = None,
    ):
        """`loaded` is the estate shown as `data.gavel.estate`, or the whole data document
        (`data_document`) when a caller loads the same one into several runtimes; `index` of
        `policy_set.modules` may be passed in by a caller preparing several runs."""
        self.policy_set = policy_set
        self.runtime = runtime
        index = index or ModuleIndex(policy_set.modules)
        self.dispatch = build_dispatch(policy_set.policies, kinds, index)
        self.loaded_modules = _reachable(policy_set, self.dispatch, index)
        data = data_document(policy_set, loaded) if isinstance(loaded, Estate) else loaded
        runtime.load(bundle_for(policy_set, data, self.dispatch.module, self.loaded_modules))
        self.bundle_digest = policy_set.digest()
        self.runtime_version = runtime.version()
        self._policy_of = {p.id: p for p in policy_set.policies}
        self._policy_ids = tuple(self._policy_of)

    def verdicts(
        self, estate: Estate, rid: str, now: str, old_document: Mapping[str, Any] | None = None
    ) -> list[Verdict]:
        """Every applicable policy's verdicts on one resource; `old_document` is `input.resource.old`.

        `input.now` is `now` (RFC 3339), so a rule about age ("validated within 7 days") reads
        the run's clock instead of the runtime's, and a recorded decision can be replayed.
        """
        runtime, dispatch = self.runtime, self.dispatch
        resource = estate.resources[rid]
        verdicts = []
        rule = dispatch.rule_of_kind.get(resource.kind)
        if rule is not None:
            document: dict[str, Any] = {"resource": estate.input_document(rid), "now": now}
            if old_document is not None:
                document["resource"]["old"] = old_document
            path = f"{DISPATCH_PACKAGE}.{rule}"
            verdicts = _query_group(runtime, path, dispatch.policies_of_kind[resource.kind], document)
        if dispatch.conftest:
            conftest_input = dict(resource.attributes)
            path = f"{DISPATCH_PACKAGE}.conftest"
            verdicts.extend(_query_group(runtime, path, dispatch.conftest, conftest_input))
        return verdicts

    def judge(
        self,
        estate: Estate,
        *,
        waivers: Sequence[Waiver] = (),
        gate: GatePolicy = DEFAULT_GATE,
        now: datetime,
        old_documents: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Decision:
        """Judge every resource of `estate`; `old_documents[id]` is shown as `input.resource.old`."""
        evaluated_at = now.isoformat()
        old = old_documents or {}
        verdicts = [self.verdicts(estate, rid, evaluated_at, old.get(rid)) for rid in estate.resources]
        return self.decide(estate, verdicts, waivers=waivers, gate=gate, now=now)

    def decide(
        self,
        estate: Estate,
        verdicts: Sequence[Sequence[Verdict]],
        *,
        waivers: Sequence[Waiver],
        gate: GatePolicy,
        now: datetime,
    ) -> Decision:
        """The decision on `estate` from the verdicts on each of its resources, in its order, by
        whichever runtime judged them: findings with their policies' metadata, waivers applied,
        the risk score and the gate, naming this policy set and runtime."""
        findings: list[Finding] = []
        for resource, resource_verdicts in zip(estate.resources.values(), verdicts, strict=True):
            if resource_verdicts:
                ref = resource.ref()
                findings.extend(_finding_of(self._policy_of[v.policy_id], ref, v) for v in resource_verdicts)
        judged, expired = apply_waivers(findings, waivers, estate.resources, now.date())
        weights = self.policy_set.data.get("risk", {}).get("weights", DEFAULT_WEIGHTS)
        risk = risk_score(judged, weights)
        passed, reasons = judge(judged, risk, gate)
        return Decision(
            findings=judged,
            resources=tuple(r.ref() for r in estate.resources.values()),
            risk=risk,
            gate=gate,
            passed=passed,
            reasons=reasons,
            expired_waivers=expired,
            policy_ids=self._policy_ids,
            bundle_digest=self.bundle_digest,
            runtime=self.runtime_version,
            evaluated_at=now,
        )


def evaluate(
    policy_set: PolicySet,
    estate: Estate,
    runtime: RegoRuntime,
    *,
    waivers: Sequence[Waiver] = (),
    gate: GatePolicy = DEFAULT_GATE,
    now: datetime,
    loaded: Estate | None = None,
    jobs: int = 1,
) -> Decision:
    """Judge every resource of the estate by every applicable policy; touches nothing but its arguments.

    `loaded` is the estate the policies see as `data.gavel.estate` when it is more than the one
    judged (a shard of an audit judges its own resources against the graph of all it read).
    The embedded runtime judges each group of kinds in a runtime of its own, over `jobs`
    processes for a large estate (`kind_evaluation`); a runtime that is a server holds one
    bundle, so it is asked about everything, one resource after another.
    """
    kinds = [resource.kind for resource in estate.resources.values()]
    if isinstance(runtime, EmbeddedRuntime):
        from .kind_evaluation import KindEvaluation

        grouped = KindEvaluation(policy_set, kinds, EmbeddedRuntime, loaded=loaded or estate)
        return grouped.judge(estate, waivers=waivers, gate=gate, now=now, jobs=jobs)
    prepared = PreparedEvaluation(policy_set, runtime, kinds, loaded or estate)
    return prepared.judge(estate, waivers=waivers, gate=gate, now=now)
