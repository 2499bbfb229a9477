"""Evaluation split by resource kind, each part loaded with only the Rego its policies can reach.

The admission webhook judges one object per request, so it only ever asks the policies of that
object's kind. regorus pays for every `data.` reference a scan over all loaded modules, so a
runtime holding the whole library (a hundred policies for Terraform, clouds, pipelines and
Kubernetes) evaluates the eighteen Pod policies markedly slower than one holding those eighteen
and the helpers they import. `KindEvaluation` groups the kinds by the policies that apply to them
and prepares a runtime per group for just those kinds: `PreparedEvaluation` then loads only the
modules that group's dispatch can reach (`module_index`). Decisions are the same as one
`PreparedEvaluation` over every kind gives: the same findings, policy ids and bundle digest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from .estate import Estate
from .evaluate import PreparedEvaluation
from .loader import PolicySet
from .models import Decision
from .module_index import ModuleIndex
from .rego import RegoRuntime


class KindEvaluation:
    """A policy set prepared per group of kinds sharing their policies; judges one-kind estates.

    A group's runtime is built the first time one of its kinds is judged, or up front for the
    kinds in `prepare` (the webhook's admitted kinds, so no request waits for a compile and
    groups of kinds that never arrive cost no memory). `runtime` makes a fresh runtime per
    group; regorus runtimes are thread-affine, so build one `KindEvaluation` per thread.
    """

    def __init__(
        self,
        policy_set: PolicySet,
        kinds: Sequence[str],
        runtime: Callable[[], RegoRuntime],
        *,
        prepare: Iterable[str] = (),
    ):
        self.policy_set = policy_set
        self._runtime = runtime
        self._index = ModuleIndex(policy_set.modules)  # read once, shared by every group
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
            prepared = self._prepared[ids] = self._prepare(ids)
        return prepared

    def _prepare(self, ids: tuple[str, ...]) -> PreparedEvaluation:
        empty = Estate(resources={}, classification={})
        kinds = self._kinds_of.get(ids, [])
        return PreparedEvaluation(self.policy_set, self._runtime(), kinds, empty, self._index)

    def judge(
        self,
        estate: Estate,
        *,
        now: datetime,
        old_documents: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Decision:
        """Judge an estate whose resources are all of one group's kinds (the webhook's one object)."""
        groups = {self._group_of.get(r.kind, ()): r.kind for r in estate.resources.values()}
        if len(groups) > 1:
            raise ValueError(f"resources of kinds {sorted(groups.values())} span several policy groups")
        prepared = self.prepared_for(next(iter(groups.values()), ""))
        return prepared.judge(estate, now=now, old_documents=old_documents)
