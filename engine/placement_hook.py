"""Denials that point somewhere: the cheapest compliant alternative for a misplaced workload.

`gavel check --catalog` and the admission webhook say no to a GPU job pinned outside the EEA;
with a catalog configured they also say where it could run. `workload_of` reads what the denied
resource needs (GPUs and their model, memory, the data's classification) from the resource
itself, `cheapest_alternative` asks the optimiser over the catalog, and `with_alternatives`
appends the answer to the findings about placement. The alternative must clear the placement
findings (judge with `counts=about_placement`): a Job whose image is denied everywhere still has a
cheapest place to run. Pure: the caller holds the judge (prepared once, reused across requests)
and the catalog.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from .estate import Estate
from .loader import PolicySet
from .models import Decision, Finding, GatePolicy, Resource, Waiver
from .placement import PlacementJudge, place
from .placement_model import AcceleratorNeed, Catalog, Judged, Workload
from .placement_report import describe_offer
from .placement_resources import Materialiser
from .rego import RegoRuntime

PLACEMENT_FIELDS = ("region", "location", "zone", "nodeselector", "node pool", "nodepool")
"""A finding is about placement when the field it names is one of these (policies' `details.field`)."""

_WORKLOAD_KINDS = ("Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob")
_MACHINE_KEYS = ("machine_type", "instance_type", "vm_size", "size")
_GKE_ACCELERATOR = "cloud.google.com/gke-accelerator"
_INSTANCE_TYPE_LABELS = ("node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type")
_QUANTITY = re.compile(r"^([0-9.]+)([KMGTE]i?)?$")
_GIB_PER_UNIT = {
    None: Decimal(1) / 1024**3,
    "Ki": Decimal(1) / 1024**2,
    "Mi": Decimal(1) / 1024,
    "Gi": Decimal(1),
    "Ti": Decimal(1024),
    "K": Decimal(1000) / 1024**3,
    "M": Decimal(1000**2) / 1024**3,
    "G": Decimal(1000**3) / 1024**3,
    "T": Decimal(1000**4) / 1024**3,
}


def about_placement(finding: Finding) -> bool:
    """The finding names where something runs (region, zone, node pool), not how it is built."""
    field = str(finding.details.get("field", "")).lower()
    return any(word in field for word in PLACEMENT_FIELDS)


def is_placement_finding(finding: Finding) -> bool:
    return finding.blocking and about_placement(finding)


def _pod_spec(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = obj.get("spec", {})
    if obj.get("kind") == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    if obj.get("kind") != "Pod":
        spec = spec.get("template", {}).get("spec", {})
    return spec if isinstance(spec, Mapping) else {}


def _gib(quantity: Any) -> Decimal | None:
    found = _QUANTITY.match(str(quantity).strip())
    return Decimal(found.group(1)) * _GIB_PER_UNIT[found.group(2)] if found else None


def _model_of(gke_type: Any, accelerators: Mapping[str, Any]) -> str | None:
    for model, entry in accelerators.items():
        if isinstance(entry, Mapping) and gke_type in (entry.get("gke"), model):
            return str(model)
    return None


def _like_for_like(machine_types: Iterable[Any], catalog: Catalog) -> AcceleratorNeed | None:
    """The devices of the same machine type in the catalog: "this node, somewhere compliant"."""
    wanted = {str(m) for m in machine_types}
    for candidate in catalog.candidates:
        if candidate.instance_type in wanted and candidate.accelerator:
            return AcceleratorNeed(candidate.accelerators_per_node, candidate.accelerator)
    return None


def _image(obj: Mapping[str, Any]) -> str:
    containers = _pod_spec(obj).get("containers") or [{}]
    return str(containers[0].get("image", "")) if isinstance(containers[0], Mapping) else ""


def _kubernetes_needs(
    obj: Mapping[str, Any], accelerators: Mapping[str, Any], catalog: Catalog
) -> tuple[AcceleratorNeed | None, Decimal | None]:
    spec = _pod_spec(obj)
    devices = {str(e.get("resource")) for e in accelerators.values() if isinstance(e, Mapping)}
    count, memory = 0, Decimal(0)
    for container in spec.get("containers", []):
        resources = container.get("resources", {}) if isinstance(container, Mapping) else {}
        limits, requests = resources.get("limits", {}) or {}, resources.get("requests", {}) or {}
        count += sum(int(v) for k, v in {**requests, **limits}.items() if k in devices)
        memory += _gib(requests.get("memory") or limits.get("memory") or 0) or Decimal(0)
    selector = spec.get("nodeSelector", {}) or {}
    model = _model_of(selector.get(_GKE_ACCELERATOR), accelerators)
    need = AcceleratorNeed(count, model) if count else None
    if model is None:
        like = _like_for_like((selector[k] for k in _INSTANCE_TYPE_LABELS if k in selector), catalog)
        need = AcceleratorNeed(count or like.count, like.model) if like else need
    return need, (memory or None)


def _terraform_needs(
    attributes: Mapping[str, Any], accelerators: Mapping[str, Any], catalog: Catalog
) -> AcceleratorNeed | None:
    holders = [h for h in [attributes, *(attributes.get("node_config") or [])] if isinstance(h, Mapping)]
    for holder in holders:
        for accelerator in holder.get("guest_accelerator") or []:
            count = int(accelerator.get("count", 1))
            if count:
                return AcceleratorNeed(count, _model_of(accelerator.get("type"), accelerators))
    machines = [h[k] for h in holders for k in _MACHINE_KEYS if h.get(k)]
    return _like_for_like([*machines, *(attributes.get("instance_types") or [])], catalog)


def workload_of(
    resource: Resource, classification: str | None, catalog: Catalog, accelerators: Mapping[str, Any]
) -> Workload | None:
    """What a denied Kubernetes workload or cloud GPU resource needs, as a workload to place.

    A Kubernetes workload keeps its image, so the alternative's Job is judged running what the
    denied one runs; a cloud resource has no Job, so only its node pool or instance is judged.
    """
    memory, image = None, ""
    if resource.platform == "kubernetes" and resource.kind in _WORKLOAD_KINDS:
        need, memory = _kubernetes_needs(resource.attributes, accelerators, catalog)
        image = _image(resource.attributes)
    elif resource.platform == "terraform":
        need = _terraform_needs(resource.attributes, accelerators, catalog)
        if need is None:
            return None
    else:
        return None
    name = re.sub(r"[^a-z0-9-]+", "-", resource.name.lower()).strip("-")[:63] or "workload"
    return Workload(
        name=name,
        namespace=resource.namespace or "default",
        classification=classification,
        accelerator=need,
        memory_gib=memory,
        storage=False,
        image=image,
        source=resource.provenance.source,
        source_digest=resource.provenance.source_digest,
    )


def alternative_finder(
    policy_set: PolicySet,
    runtime: RegoRuntime,
    catalog: Catalog,
    *,
    gate: GatePolicy,
    now: datetime,
    waivers: Sequence[Waiver] = (),
) -> tuple[PlacementJudge, Materialiser]:
    """The judge and materialiser `with_alternatives` needs: alternatives must clear placement findings."""
    judge = PlacementJudge(policy_set, runtime, gate=gate, now=now, waivers=waivers, counts=about_placement)
    accelerators = policy_set.data.get("placement_accelerators", {})
    return judge, Materialiser(accelerators, catalog.source, catalog.source_digest, now)


def cheapest_alternative(
    resource: Resource,
    classification: str | None,
    catalog: Catalog,
    placement_judge: PlacementJudge,
    materialiser: Materialiser,
) -> Judged | None:
    """The cheapest catalog placement where `resource`'s workload would pass, or None."""
    workload = workload_of(resource, classification, catalog, materialiser.accelerators)
    if workload is None:
        return None
    return place(workload, catalog, placement_judge, materialiser, top=0).chosen


def alternative_note(alternative: Judged | None, currency: str = "USD") -> str:
    if alternative is None:
        return "no compliant alternative in the catalog"
    return f"cheapest compliant alternative: {describe_offer(alternative.offer, currency)}"


def with_alternatives(
    decision: Decision,
    estate: Estate,
    catalog: Catalog,
    placement_judge: PlacementJudge,
    materialiser: Materialiser,
) -> Decision:
    """The decision with each placement finding's message naming the cheapest compliant alternative."""
    notes: dict[str, str] = {}
    findings = []
    for finding in decision.findings:
        resource = estate.resources.get(finding.resource.id)
        if resource is None or not is_placement_finding(finding):
            findings.append(finding)
            continue
        if resource.id not in notes:
            classification = estate.classification.get(resource.id)
            found = cheapest_alternative(resource, classification, catalog, placement_judge, materialiser)
            notes[resource.id] = alternative_note(found, catalog.currency)
        findings.append(dataclasses.replace(finding, message=f"{finding.message}; {notes[resource.id]}"))
    return dataclasses.replace(decision, findings=tuple(findings))
