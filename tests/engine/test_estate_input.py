"""What the engine hands Rego beyond the resource: the run's clock, identity keys and the graph
indexes, evaluated end to end on the cross-layer estate of tests/data/engine/graph."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from gavel.adapters.detect import collect_paths
from gavel.engine.estate import build_estate
from gavel.engine.evaluate import evaluate
from gavel.engine.loader import load_policy_set
from gavel.engine.rego import EmbeddedRuntime

ESTATE = Path(__file__).parents[1] / "data" / "engine" / "graph" / "ml-platform"
NOW = datetime(2025, 11, 24, 12, 0, tzinfo=UTC)

POLICY = """# METADATA
# title: Reports what a workload sees of the graph
# custom:
#   id: graph_probe
#   severity: low
#   regulations:
#     - {framework: GDPR, article: "Art. 30"}
#   resource_kinds: [Job]
#   remediation: Nothing to fix; a probe for the engine's tests.
package gavel.probe.graph_probe

import rego.v1

import data.gavel.lib.graph

deny contains {"msg": "probe", "details": {
	"now": input.now,
	"identities": input.resource.identities,
	"classification": input.resource.classification,
	"reads": graph.read_data(input.resource.id),
	"upstream": graph.upstream_datasets(input.resource.id),
	"placements": graph.compute_placements(input.resource),
}}
"""


def test_rego_sees_the_clock_the_identities_and_the_graph(tmp_path: Path) -> None:
    folder = tmp_path / "probe" / "graph_probe"
    folder.mkdir(parents=True)
    (folder / "policy.rego").write_text(POLICY)
    estate = build_estate(collect_paths([ESTATE], collected_at=NOW).resources)
    decision = evaluate(load_policy_set([tmp_path]), estate, EmbeddedRuntime(), now=NOW)
    (finding,) = decision.findings
    assert finding.resource.id == "kubernetes:ml-training/Job/finetune-support-tickets"
    tickets = "openlineage:dataset:s3://acme-support-tickets/tickets/2025"
    assert dict(finding.details) == {
        "now": "2025-11-24T12:00:00+00:00",
        "identities": ["job:ml-training/finetune-support-tickets"],
        "classification": "personal",
        "reads": [tickets],
        "upstream": [tickets],
        "placements": [{"location": "us-central1", "via": "terraform:google_container_node_pool.gpu"}],
    }
