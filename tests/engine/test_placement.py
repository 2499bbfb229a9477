"""The placement optimiser over the built-in library: the example's answer, exactness against an
exhaustive evaluation through the CI path (`evaluate` over each candidate's own estate), the memo,
the fit rules, the smallest change, the check/webhook hook and lineage-derived data."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gavel.adapters.detect import collect_paths
from gavel.adapters.kubernetes import resource_from_object
from gavel.adapters.placement_inputs import read_catalog, read_workload
from gavel.adapters.sources import SourceText, parse_json
from gavel.adapters.terraform import TerraformPlan
from gavel.engine.errors import InputError
from gavel.engine.estate import build_estate
from gavel.engine.evaluate import evaluate
from gavel.engine.loader import PolicySet, load_policy_set
from gavel.engine.models import GatePolicy
from gavel.engine.placement import PlacementJudge, misfit_reasons, offers_of, place, policies_in_force
from gavel.engine.placement_fix import smallest_change
from gavel.engine.placement_hook import about_placement, cheapest_alternative, with_alternatives, workload_of
from gavel.engine.placement_lineage import with_lineage
from gavel.engine.placement_model import (
    ON_DEMAND,
    SPOT,
    AcceleratorNeed,
    Candidate,
    Catalog,
    Constraints,
    Offer,
    Workload,
)
from gavel.engine.placement_resources import Materialiser, baseline
from gavel.engine.rego import EmbeddedRuntime

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "placement"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
STRICT = GatePolicy(max_risk=0.0)


@pytest.fixture(scope="module")
def policy_set() -> PolicySet:
    return load_policy_set()


@pytest.fixture(scope="module")
def judge(policy_set: PolicySet) -> PlacementJudge:
    return PlacementJudge(policy_set, EmbeddedRuntime(), gate=STRICT, now=NOW)


@pytest.fixture(scope="module")
def materialiser(policy_set: PolicySet) -> Materialiser:
    return Materialiser(policy_set.data["placement_accelerators"], "catalog.yaml", "sha256:" + "1" * 64, NOW)


def tables(policy_set: PolicySet) -> tuple[Any, Any]:
    return policy_set.data["regions"], policy_set.data["placement_accelerators"]


def h100(index: str, cloud: str, region: str, cost: str, **fields: Any) -> Candidate:
    defaults: dict[str, Any] = {
        "node_pool": "gpu-h100",
        "accelerator": "nvidia-h100-80gb",
        "accelerators_per_node": 8,
        "encryption": ("provider-managed", "cmk"),
        "memory_gib": Decimal(2048),
    }
    return Candidate(
        id=index,
        cloud=cloud,
        region=region,
        instance_type={"aws": "p5.48xlarge", "gcp": "a3-highgpu-8g", "azure": "Standard_ND96isr_H100_v5"}[
            cloud
        ],
        hourly_cost=Decimal(cost),
        **{**defaults, **fields},
    )


TRAIN = Workload(
    name="train",
    namespace="ml",
    classification="personal",
    accelerator=AcceleratorNeed(8, "nvidia-h100-80gb"),
    memory_gib=Decimal(1024),
    image="europe-docker.pkg.dev/acme/train@sha256:" + "0" * 64,
)


def test_the_example_places_on_the_cheapest_compliant_candidate(
    policy_set: PolicySet, judge: PlacementJudge
) -> None:
    workload = read_workload(EXAMPLES / "workload.yaml", *tables(policy_set))
    catalog = read_catalog(EXAMPLES / "catalog.yaml", *tables(policy_set))
    materialiser = Materialiser(tables(policy_set)[1], catalog.source, catalog.source_digest, NOW)
    placement = place(workload, catalog, judge, materialiser, top=2)
    assert placement.chosen is not None and placement.chosen.offer.candidate.id == "aws-euc1-p5"
    assert placement.chosen.verdict.risk == 0
    assert [j.offer.candidate.id for j in placement.runners_up] == [
        "gcp-euw4-a3",
        "azure-swedencentral-nd-h100",
    ]
    rejected = {j.offer.candidate.id: j.verdict for j in placement.rejected}
    assert set(rejected) == {"aws-use1-p5", "aws-euw1-p5", "gcp-usc1-a3", "azure-eastus-nd-h100"}
    # judged from the bucket on, each stops at the first resource that fails it
    assert rejected["aws-use1-p5"].rejected_by == ("personal_data_storage_location",)
    assert rejected["aws-euw1-p5"].rejected_by == ("s3_personal_data_cmk",)
    assert not rejected["aws-use1-p5"].complete
    full = judge.verdict(materialiser.materialise(workload, placement.rejected[0].offer), complete=True)
    assert full.complete and {"gpu_personal_data_in_eea", "personal_data_workload_location"} <= set(
        full.rejected_by
    )
    assert full.risk > rejected["aws-use1-p5"].risk
    assert {m.candidate.id for m in placement.misfits} >= {"aws-euc1-p4de", "azure-northeurope-nv-a10"}
    assert (placement.candidates, placement.offers, placement.judged) == (13, 7, 7)


def test_generated_resources_are_shaped_as_the_adapters_shape_them(materialiser: Materialiser) -> None:
    for cloud, region in (("aws", "eu-central-1"), ("gcp", "europe-west4"), ("azure", "swedencentral")):
        for pool in ("gpu-h100", None):
            offer = Offer(h100("x", cloud, region, "1", node_pool=pool), ON_DEMAND, 1, Decimal(1))
            for resource in materialiser.materialise(TRAIN, offer):
                if resource.platform == "kubernetes":
                    again = resource_from_object(resource.attributes, resource.provenance)
                else:
                    address = resource.id.removeprefix("terraform:")
                    entry = {
                        "address": address,
                        "mode": "managed",
                        "type": resource.kind,
                        "name": resource.name,
                        "values": resource.attributes,
                    }
                    plan = {
                        "format_version": "1.2",
                        "planned_values": {"root_module": {"resources": [entry]}},
                    }
                    source = SourceText.from_bytes(json.dumps(plan).encode(), "plan.json")
                    (again,) = TerraformPlan.from_document(source, parse_json(source), NOW).resources
                    assert again.region in (None, resource.region, offer.candidate.zone)
                assert (again.id, again.kind, dict(again.labels)) == (
                    resource.id,
                    resource.kind,
                    dict(resource.labels),
                )
                assert again.attributes == resource.attributes


def test_identical_generated_resources_are_evaluated_once(
    policy_set: PolicySet, materialiser: Materialiser
) -> None:
    judge = PlacementJudge(policy_set, EmbeddedRuntime(), gate=STRICT, now=NOW)
    one = Catalog((h100("a", "gcp", "europe-west4", "5"),))
    first = place(TRAIN, one, judge, materialiser)
    assert first.evaluations == 3
    repriced = Catalog((h100("b", "gcp", "europe-west4", "7"), h100("c", "gcp", "europe-west4", "9")))
    again = place(TRAIN, repriced, judge, materialiser)
    assert again.evaluations == 0 and again.judged == 2
    assert again.chosen is not None and again.chosen.offer.candidate.id == "b"
    other_region = place(TRAIN, Catalog((h100("d", "gcp", "europe-west1", "5"),)), judge, materialiser)
    assert other_region.evaluations == 3


_BRUTE: dict[tuple[str, float], bool] = {}


def exhaustive(
    workload: Workload, catalog: Catalog, policy_set: PolicySet, materialiser: Materialiser, max_risk: float
) -> list[Offer]:
    """Every feasible offer, each judged through `evaluate` over its own estate (its resources and
    the baseline they rely on), in cost order."""
    feasible = []
    for candidate in catalog.candidates:
        if misfit_reasons(workload, candidate):
            continue
        for offer in offers_of(workload, candidate):
            resources = materialiser.materialise(workload, offer)
            key = hashlib.sha256(json.dumps([r.to_document() for r in resources], sort_keys=True).encode())
            digest = (key.hexdigest(), max_risk)
            if digest not in _BRUTE:
                gate = GatePolicy(max_risk=max_risk)
                estate = build_estate([*resources, *baseline(NOW)])
                decision = evaluate(policy_set, estate, EmbeddedRuntime(), gate=gate, now=NOW)
                _BRUTE[digest] = decision.passed
            if _BRUTE[digest]:
                feasible.append(offer)
    return sorted(feasible, key=lambda offer: offer.key)


REGIONS = {
    "aws": ("us-east-1", "eu-central-1", "eu-west-1", "eu-west-2"),
    "gcp": ("us-central1", "europe-west4", "europe-west1", "europe-west2"),
    "azure": ("eastus", "swedencentral", "westeurope", "uksouth"),
}
_JUDGES: dict[float, PlacementJudge] = {}


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    candidates = []
    for index in range(draw(st.integers(min_value=1, max_value=6))):
        cloud = draw(st.sampled_from(sorted(REGIONS)))
        candidates.append(
            h100(
                f"c{index}",
                cloud,
                draw(st.sampled_from(REGIONS[cloud])),
                str(draw(st.sampled_from([1, 2, 3, 5]))),
                node_pool=draw(st.sampled_from(["gpu-h100", None])),
                accelerators_per_node=draw(st.sampled_from([4, 8])),
                gpu_sharing=draw(st.sampled_from(["none", "time-sharing"])),
                encryption=draw(st.sampled_from([("provider-managed",), ("provider-managed", "cmk")])),
                spot_price=draw(st.sampled_from([None, Decimal("0.5"), Decimal(2)])),
                spot_availability=Decimal("0.8"),
            )
        )
    return Catalog(tuple(candidates))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    catalog=catalogs(),
    classification=st.sampled_from([None, "internal", "personal", "special-category"]),
    spot=st.booleans(),
    storage=st.booleans(),
    top=st.integers(min_value=0, max_value=3),
    max_risk=st.sampled_from([0.0, 7.0, 20.0]),
)
def test_the_answer_and_runners_up_equal_an_exhaustive_evaluation(
    policy_set: PolicySet,
    materialiser: Materialiser,
    catalog: Catalog,
    classification: str | None,
    spot: bool,
    storage: bool,
    top: int,
    max_risk: float,
) -> None:
    workload = dataclasses.replace(TRAIN, classification=classification, spot_allowed=spot, storage=storage)
    expected = exhaustive(workload, catalog, policy_set, materialiser, max_risk)
    if max_risk not in _JUDGES:
        _JUDGES[max_risk] = PlacementJudge(
            policy_set, EmbeddedRuntime(), gate=GatePolicy(max_risk=max_risk), now=NOW
        )
    placement = place(workload, catalog, _JUDGES[max_risk], materialiser, top=top)
    answer = [placement.chosen, *placement.runners_up] if placement.chosen else []
    assert [j.offer.key for j in answer] == [o.key for o in expected[: top + 1]]
    feasible = {o.key for o in expected}
    assert not any(j.offer.key in feasible for j in placement.rejected)
    if len(answer) <= top:
        assert placement.judged == placement.offers
    else:
        assert all(j.offer.key < answer[-1].offer.key for j in placement.rejected)


def test_fit_rules(policy_set: PolicySet) -> None:
    pinned = dataclasses.replace(
        TRAIN,
        cmk_required=True,
        constraints=Constraints(clouds=("gcp",), region_prefixes=("europe-",), node_pools=("a3",)),
    )
    reasons = misfit_reasons(pinned, h100("x", "aws", "us-east-1", "1", encryption=("provider-managed",)))
    assert reasons == (
        "cloud aws is not pinned (gcp)",
        "region us-east-1 does not start with europe-",
        "node pool gpu-h100 is not pinned",
        "no customer-managed key encryption, which the workload requires",
    )
    l4 = h100("y", "gcp", "europe-west4", "1", accelerator="nvidia-l4", accelerators_per_node=4)
    assert misfit_reasons(TRAIN, l4) == ("offers nvidia-l4, needs nvidia-h100-80gb",)
    small = h100("z", "gcp", "europe-west4", "3", accelerators_per_node=4, memory_gib=Decimal(256))
    assert misfit_reasons(TRAIN, small) == ("512 GiB memory on 2 node(s), needs 1024",)
    roomy = dataclasses.replace(small, memory_gib=Decimal(512))
    (offer,) = offers_of(TRAIN, roomy)
    assert (offer.nodes, offer.cost) == (2, Decimal(6))


def test_spot_offers_respect_the_workload_and_availability() -> None:
    candidate = h100(
        "s", "gcp", "europe-west4", "10", spot_price=Decimal(3), spot_availability=Decimal("0.6")
    )
    assert [o.capacity for o in offers_of(TRAIN, candidate)] == [ON_DEMAND]
    allowed = dataclasses.replace(TRAIN, spot_allowed=True)
    assert [(o.capacity, o.cost) for o in offers_of(allowed, candidate)] == [
        (ON_DEMAND, Decimal(10)),
        (SPOT, Decimal(3)),
    ]
    picky = dataclasses.replace(allowed, min_spot_availability=Decimal("0.9"))
    assert [o.capacity for o in offers_of(picky, candidate)] == [ON_DEMAND]


def test_nothing_complies_and_the_smallest_change_is_found_by_the_policies(
    policy_set: PolicySet, judge: PlacementJudge, materialiser: Materialiser
) -> None:
    us = h100("us", "aws", "us-east-1", "1", zone="us-east-1a")
    placement = place(TRAIN, Catalog((us,)), judge, materialiser)
    assert placement.chosen is None and placement.judged == 1
    regions = policy_set.data["regions"]
    fix = smallest_change(TRAIN, placement.rejected[0].offer, judge, materialiser, regions)
    ((change,),) = fix.alternatives
    assert change.attribute == "region"
    assert {"eu-central-1", "eu-west-1"} <= set(change.values)
    assert all(regions[r]["eea"] and regions[r]["cloud"] == "aws" for r in change.values)
    no_key = dataclasses.replace(us, encryption=("provider-managed",))
    offer = place(TRAIN, Catalog((no_key,)), judge, materialiser).rejected[0].offer
    pair = smallest_change(TRAIN, offer, judge, materialiser, regions)
    assert [tuple(c.attribute for c in alternative) for alternative in pair.alternatives] == [
        ("region", "encryption")
    ]


def test_special_category_data_needs_a_dedicated_gpu(
    policy_set: PolicySet, judge: PlacementJudge, materialiser: Materialiser
) -> None:
    health = dataclasses.replace(TRAIN, classification="special-category", storage=False)
    shared = h100("shared", "gcp", "europe-west4", "1", gpu_sharing="time-sharing")
    dedicated = h100("dedicated", "gcp", "europe-west4", "2")
    placement = place(health, Catalog((shared, dedicated)), judge, materialiser)
    assert placement.chosen is not None and placement.chosen.offer.candidate.id == "dedicated"
    assert "gpu_no_time_sharing_special_category" in placement.rejected[0].verdict.rejected_by
    fix = smallest_change(
        health, placement.rejected[0].offer, judge, materialiser, policy_set.data["regions"]
    )
    assert [alternative[0].attribute for alternative in fix.alternatives] == ["gpu_sharing"]


def test_frameworks_in_force_select_the_policies(policy_set: PolicySet) -> None:
    gdpr = policies_in_force(policy_set, ("GDPR",))
    assert gdpr.policies and all(
        any(r.framework == "GDPR" for r in p.metadata.regulations) for p in gdpr.policies
    )
    assert len(gdpr.policies) < len(policy_set.policies)
    assert policies_in_force(policy_set, ()) is policy_set


def test_a_denied_job_names_its_cheapest_compliant_alternative(policy_set: PolicySet) -> None:
    judge = PlacementJudge(policy_set, EmbeddedRuntime(), gate=STRICT, now=NOW, counts=about_placement)
    collection = collect_paths([ROOT / "examples" / "ml-platform" / "kubernetes"], collected_at=NOW)
    estate = build_estate(collection.resources)
    job = next(r for r in estate.resources.values() if r.kind == "Job")
    catalog = read_catalog(EXAMPLES / "catalog.yaml", *tables(policy_set))
    materialiser = Materialiser(tables(policy_set)[1], catalog.source, catalog.source_digest, NOW)
    workload = workload_of(job, estate.classification[job.id], catalog, materialiser.accelerators)
    assert workload is not None and workload.accelerator == AcceleratorNeed(8, "nvidia-l4")
    assert workload.classification == "personal"
    assert workload.image == "registry.example.com/ml/finetuner:1.4.2"
    alternative = cheapest_alternative(job, "personal", catalog, judge, materialiser)
    assert alternative is not None and alternative.offer.candidate.id == "gcp-euw4-g2-l4"
    decision = evaluate(policy_set, estate, EmbeddedRuntime(), gate=STRICT, now=NOW)
    annotated = with_alternatives(decision, estate, catalog, judge, materialiser)
    for before, after in zip(decision.findings, annotated.findings, strict=True):
        if before.resource.id == job.id and "region" in str(before.details.get("field")):
            assert after.message == f"{before.message}; cheapest compliant alternative: " + (
                "gcp-euw4-g2-l4: gcp europe-west4-c, node pool g2-l4-shared, 2 x g2-standard-48 "
                "(4 x nvidia-l4), on-demand, USD 8.80/h"
            )
        elif "region" not in str(before.details.get("field")):
            assert after == before


def test_workload_data_derived_from_openlineage_events(policy_set: PolicySet) -> None:
    events = ROOT / "tests" / "data" / "placement" / "openlineage.jaffle-shop.jsonl"
    resources = collect_paths([events], collected_at=NOW).resources
    regions = policy_set.data["regions"]
    export = dataclasses.replace(
        TRAIN, classification=None, lineage_jobs=("jaffle-exports/export_customers",)
    )
    assert with_lineage(export, resources, regions).classification == "personal"
    staging = dataclasses.replace(
        TRAIN,
        classification="internal",
        lineage_datasets=("postgres://postgres:5432/postgres.public.stg_orders",),
    )
    assert with_lineage(staging, resources, regions).classification == "internal"
    missing = dataclasses.replace(TRAIN, lineage_datasets=("s3://nowhere/x",), source="w.yaml")
    with pytest.raises(
        InputError, match=r"w.yaml: lineage dataset 's3://nowhere/x' is in none of the lineage"
    ):
        with_lineage(missing, resources, regions)
