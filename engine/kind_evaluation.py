"""Evaluation split by resource kind, each part loaded with only the Rego its policies can reach.

regorus pays for every `data.` reference a scan over all loaded modules, so a runtime holding
the whole library (a hundred policies for Terraform, clouds, pipelines and Kubernetes)
evaluates the eighteen Pod policies markedly slower than one holding those eighteen and the
helpers they import. `KindEvaluation` groups the kinds by the policies that apply to them and
prepares a runtime per group: `PreparedEvaluation` then loads only the modules that group's
dispatch can reach (`module_index`). Every group's runtime shares one parsed data document
(`EmbeddedRuntime` clones it), so a group costs its modules' compilation only.

The admission webhook judges one object per request, so it asks one group's runtime; `gavel
check` and `gavel audit` judge whole estates, each resource by its group's runtime, and split a
large estate over forked worker processes (`forked.py`). Decisions are the same as one
`PreparedEvaluation` over every kind gives: the same findings in the same order, policy ids
and bundle digest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from .estate import Estate
from .evaluate import DEFAULT_GATE, PreparedEvaluation, Verdict, data_document
from .forked import run_parts
from .loader import PolicySet
from .models import Decision, GatePolicy, Waiver
from .module_index import ModuleIndex
from .rego import RegoRuntime

FORK_AT = 2_000
"""Resources an estate needs before its judging is split over worker processes: below it,
forking and sending the verdicts back costs more than a second core saves."""


class KindEvaluation:
    """A policy set prepared per group of kinds sharing their policies.

    A group's runtime is built the first time one of its kinds is judged, or up front for the
    kinds in `prepare` (the webhook's admitted kinds, so no request waits for a compile and
    groups of kinds that never arrive cost no memory). `runtime` makes a fresh runtime per
    group; regorus runtimes are thread-affine, so build one `KindEvaluation` per thread.
    `loaded` is the estate every group sees as `data.gavel.estate` (empty by default).
    """

    def __init__(
        self,
        policy_set: PolicySet,
        kinds: Sequence[str],
        runtime: Callable[[], RegoRuntime],
        *,
        prepare: Iterable[str] = (),
        loaded: Estate | None = None,
    ):
        self.policy_set = policy_set
        self._runtime = runtime
        self._index = ModuleIndex(policy_set.modules)  # read once, shared by every group
        self._data = data_document(policy_set, loaded or Estate(resources={}, classification={}))
        native = [p for p in policy_set.policies if not p.conftest]
        self._group_of = {
            kind: tuple(p.id for p in native if p.metadata.applies_to(kind)) for kind in sorted(set(kinds))
        }
        self._kinds_of: dict[tuple[str, ...], list[str]] = {}
        for kind, ids in self._group_of.items():
            self._kinds_of.setdefault(ids, []).append(kind)
        self._prepared: dict[tuple[str, ...], PreparedEvaluation] = {}
        for kind in prepare:
            self.prepared_for(kind)

    def prepared_for(self, kind: str) -> PreparedEvaluation:
        """The runtime that judges `kind`: its group's, or the one for kinds no policy names."""
        ids = self._group_of.get(kind, ())
        prepared = self._prepared.get(ids)
        if prepared is None:
            kinds = self._kinds_of.get(ids, [])
            prepared = PreparedEvaluation(self.policy_set, self._runtime(), kinds, self._data, self._index)
            self._prepared[ids] = prepared
        return prepared

    def judge(
        self,
        estate: Estate,
        *,
        waivers: Sequence[Waiver] = (),
        gate: GatePolicy = DEFAULT_GATE,
        now: datetime,
        old_documents: Mapping[str, Mapping[str, Any]] | None = None,
        jobs: int = 1,
    ) -> Decision:
        """Judge every resource of `estate` by its group's runtime; `old_documents[id]` is shown
        as `input.resource.old`. With `jobs` above one and an estate of at least `FORK_AT`
        resources, the resources are dealt round-robin to that many worker processes (estates
        list a kind's resources together, so every worker gets a share of every kind)."""
        prepared = {kind: self.prepared_for(kind) for kind in {r.kind for r in estate.resources.values()}}
        any_group = next(iter(self._prepared.values()), None) or self.prepared_for("")
        rids = list(estate.resources)
        kinds = [resource.kind for resource in estate.resources.values()]
        evaluated_at = now.isoformat()
        old = old_documents or {}

        def part_verdicts(part: int, parts: int) -> list[list[Verdict]]:
            return [
                prepared[kinds[i]].verdicts(estate, rids[i], evaluated_at, old.get(rids[i]))
                for i in range(part, len(rids), parts)
            ]

        parts = jobs if len(rids) >= FORK_AT else 1
        verdicts: list[list[Verdict]] = [[] for _ in rids]
        results = run_parts(part_verdicts, parts)
        for part, part_results in enumerate(results):
            verdicts[part :: len(results)] = part_results
        return any_group.decide(estate, verdicts, waivers=waivers, gate=gate, now=now)
