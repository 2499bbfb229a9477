"""Reading an audit's units and judging the ones this run owns.

A source that fails does not stop the audit: it is reported (which unit, why) and the rest is
read, judged and recorded, the failure named in the evidence record. Only when nothing at all
could be read is the run an input error (exit 4); with one source that is that source's own
error, word for word, as before sources were many.

A sharded run reads the units it owns plus the shared ones (see `audit_sources`), builds the
estate graph from all of them and judges only what it owns, so a finding is recorded by exactly
one shard and every shard's judgment sees the same joins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..adapters.base import Skipped
from ..engine.errors import GavelError, InputError
from ..engine.estate import Estate
from ..engine.loader import PolicySet
from ..engine.models import Decision, GatePolicy, Resource, Waiver
from ..engine.rego import RegoRuntime
from .audit_config import SourceSpec
from .audit_progress import AuditProgress
from .audit_shards import Shard
from .audit_sources import Planning, Unit, describe_spec, plan_units


@dataclass
class Collected:
    """What the run read, what it judges, and what it could not read."""

    resources: list[Resource] = field(default_factory=list)
    judged: set[str] = field(default_factory=set)  # provenance sources of the owned units
    sources: list[dict[str, object]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    failures: list[tuple[str, GavelError]] = field(default_factory=list)
    owned: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    read: int = 0

    def not_collected(self) -> list[str]:
        return [f"{where}: {error.one_line()}" for where, error in self.failures]

    def check_anything_read(self) -> None:
        """Raise when every source failed: the one source's error, or all of them in one line."""
        if self.read or not self.failures:
            return
        if len(self.failures) == 1:
            raise self.failures[0][1]
        raise InputError("nothing could be collected: " + "; ".join(self.not_collected()))


def collect_units(
    specs: Sequence[SourceSpec], planning: Planning, shard: Shard, progress: AuditProgress
) -> Collected:
    """Plan every source into units, keep this shard's and the shared ones, and read them."""
    collected = Collected()
    units: dict[str, Unit] = {}
    for spec in specs:
        progress.phase(f"connecting to {describe_spec(spec)}")
        try:
            planned = plan_units(spec, planning)
        except InputError as error:
            collected.failures.append((describe_spec(spec), error))
            continue
        units.update((unit.key, unit) for unit in planned if unit.key not in units)
    selected = [unit for unit in units.values() if unit.shared or shard.owns(unit.key)]
    collected.owned = [unit.key for unit in selected if shard.owns(unit.key)]
    collected.context = [unit.key for unit in selected if not shard.owns(unit.key)]
    progress.start(len(selected))
    for unit in selected:
        progress.unit(unit.key)
        _read(unit, shard.owns(unit.key), collected)
        progress.advance()
    progress.clear()
    return collected


def _read(unit: Unit, owned: bool, collected: Collected) -> None:
    try:
        source = unit.open()
        resources = list(source.collect())
    except InputError as error:
        collected.failures.append((unit.key, error))
        return
    collected.read += 1
    collected.resources.extend(resources)
    if owned:
        collected.judged.update(resource.provenance.source for resource in resources)
    collected.sources.append(source.describe())
    collected.skipped.extend(source.skipped)


def judge_owned(
    policy_set: PolicySet,
    estate: Estate,
    runtime: RegoRuntime,
    owned: set[str] | None,
    *,
    waivers: Sequence[Waiver],
    gate: GatePolicy,
    now: datetime,
    jobs: int = 1,
) -> Decision:
    """Judge the resources read from `owned` sources (all when None) against the graph of everything read.

    Owned resources are picked by provenance source, not id: the estate renames an id a second
    source repeats (`id@source`), and which copy keeps the plain id depends on what was read.
    """
    from ..engine.evaluate import evaluate

    if owned is None:
        return evaluate(policy_set, estate, runtime, waivers=waivers, gate=gate, now=now, jobs=jobs)
    mine = {rid: r for rid, r in estate.resources.items() if r.provenance.source in owned}
    judged = replace(estate, resources=mine)
    return evaluate(
        policy_set, judged, runtime, waivers=waivers, gate=gate, now=now, loaded=estate, jobs=jobs
    )
