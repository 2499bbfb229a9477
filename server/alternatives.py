"""Denials that name where the workload could run: the webhook's placement catalog.

With `--catalog`, a review denied for where it runs (a GPU Job pinned outside the EEA) also
names the cheapest compliant placement in the catalog, judged by the same policies
(engine/placement_hook.py). Each evaluation thread keeps its own placement judge: a Rego runtime
must stay on the thread that made it, and the judge memoises the resources it has seen.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from ..adapters.placement_inputs import read_catalog
from ..engine.estate import Estate
from ..engine.loader import PolicySet
from ..engine.models import Decision, GatePolicy
from ..engine.placement import PlacementJudge
from ..engine.placement_hook import alternative_finder, with_alternatives
from ..engine.placement_resources import Materialiser
from ..engine.rego import EmbeddedRuntime


class Alternatives:
    """The catalog, read (and validated) once; `annotate` adds the alternative to placement findings."""

    def __init__(self, policy_set: PolicySet, catalog_path: Path):
        self.policy_set = policy_set
        accelerators = policy_set.data.get("placement_accelerators", {})
        self.catalog = read_catalog(catalog_path, policy_set.data.get("regions", {}), accelerators)
        self._local = threading.local()

    def annotate(self, decision: Decision, estate: Estate) -> Decision:
        finder: tuple[PlacementJudge, Materialiser] | None = getattr(self._local, "finder", None)
        if finder is None:
            gate = GatePolicy(max_risk=0.0)
            finder = alternative_finder(
                self.policy_set, EmbeddedRuntime(), self.catalog, gate=gate, now=datetime.now(UTC)
            )
            self._local.finder = finder
        return with_alternatives(decision, estate, self.catalog, *finder)
