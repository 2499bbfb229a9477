"""`gavel estate show` on a real cross-layer estate: the text tree, Graphviz DOT and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pydot
import pytest
from click.testing import CliRunner, Result

from gavel.cli import cli

JOB = "kubernetes:ml-training/Job/finetune-support-tickets"
LINEAGE_JOB = "openlineage:job:ml-training/finetune-support-tickets"
TICKETS = "openlineage:dataset:s3://acme-support-tickets/tickets/2025"


@pytest.fixture
def estate_dir(data_dir: Path) -> Path:
    return data_dir / "engine" / "graph" / "ml-platform"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["estate", "show", *args])


def block(text: str, resource_id: str) -> list[str]:
    """The lines of one resource's block in the text tree."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{resource_id}  ("))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
    return lines[start:end]


def test_text_tree_shows_classification_why_and_edges(estate_dir: Path) -> None:
    result = run(str(estate_dir))
    assert result.exit_code == 0, result.output
    job = block(result.stdout, JOB)
    assert job[0] == f"{JOB}  (Job, {estate_dir / 'job.finetune-support-tickets.yaml'}:16)"
    assert job[1:4] == [
        "  classification: personal",
        f"    because: reads {TICKETS} (personal) via {LINEAGE_JOB}",
        "  answers to: job:ml-training/finetune-support-tickets",
    ]
    assert "  -> runs_on  terraform:google_container_node_pool.gpu" in job
    assert f"  -> reads    {TICKETS}  (via {LINEAGE_JOB})" in job
    bucket = block(result.stdout, "openlineage:dataset:s3://acme-crm/customers")
    assert "  -? stored_in  storage:s3://acme-crm  (nothing collected answers to it)" in bucket
    assert result.stdout.splitlines()[-1] == "23 resources, 23 edges, 8 unresolved links"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_dot_is_a_graph_graphviz_reads(estate_dir: Path) -> None:
    result = run(str(estate_dir), "--format", "dot")
    assert result.exit_code == 0, result.output
    (graph,) = pydot.graph_from_dot_data(result.stdout)
    nodes = {node.get_name().strip('"') for node in graph.get_nodes()}
    assert {JOB, TICKETS, "storage:s3://acme-crm"} <= nodes
    edges = {(e.get_source().strip('"'), e.get_destination().strip('"')): e for e in graph.get_edges()}
    inherited = edges[(JOB, TICKETS)]
    assert inherited.get_label() == '"reads"'
    assert inherited.get_style() == "dashed"
    assert (
        edges[("openlineage:dataset:s3://acme-crm/customers", "storage:s3://acme-crm")].get_style()
        == "dotted"
    )
    diagnosis = graph.get_node('"terraform:aws_sagemaker_model.diagnosis"')[0]
    assert diagnosis.get_label() == '"aws_sagemaker_model\\ndiagnosis\\nspecial-category"'


def test_json_lists_resources_edges_and_unresolved_links(estate_dir: Path) -> None:
    result = run(str(estate_dir), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["summary"] == {"resources": 23, "edges": 23, "unresolved": 8}
    resources = {r["id"]: r for r in document["resources"]}
    assert resources[JOB]["classification"] == "personal"
    assert resources[JOB]["identities"] == ["job:ml-training/finetune-support-tickets"]
    assert {"from": JOB, "to": TICKETS, "type": "reads", "via": LINEAGE_JOB} in document["edges"]
    assert {
        "from": "terraform:aws_sagemaker_endpoint_configuration.diagnosis",
        "type": "runs_on",
        "target": "instance-type:ml.g5.xlarge",
    } in document["unresolved"]


def test_input_kind_forces_the_adapter_and_unknown_files_are_reported(
    estate_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "notes.yaml").write_text("just: a note\n")
    result = run(str(estate_dir / "job.finetune-support-tickets.yaml"), str(tmp_path / "notes.yaml"))
    assert result.exit_code == 0
    assert f"gavel: skipped {tmp_path / 'notes.yaml'}: not a " in result.stderr
    forced = run(str(estate_dir / "tfplan.gke.json"), "--input-kind", "kubernetes", "--format", "json")
    assert forced.exit_code == 0
    assert json.loads(forced.stdout)["resources"] == []
    assert "document has no apiVersion and no kind" in forced.stderr
    wrong = run(str(estate_dir / "job.finetune-support-tickets.yaml"), "--input-kind", "terraform-plan")
    assert wrong.exit_code == 4
    assert "job.finetune-support-tickets.yaml:16: not a Terraform plan" in wrong.stderr


def test_a_missing_path_is_an_input_error(tmp_path: Path) -> None:
    result = run(str(tmp_path / "absent"))
    assert result.exit_code == 4
    assert "no such file or folder" in result.stderr
