"""An `mlflow` source in an audit config: a real MLflow registry (SQLite backend, written with
the real client) read live and judged with the built-in library; a registry that cannot be read
is reported while the rest of the audit goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from audit_environment import isolate
from aws_moto import closed_port_url
from click.testing import CliRunner

from gavel.cli import cli

pytestmark = pytest.mark.slow
ESTATE = Path(__file__).resolve().parents[1] / "data" / "engine" / "graph" / "ml-platform"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)


def test_a_live_registry_is_read_and_judged_beside_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mlflow = pytest.importorskip("mlflow")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    unreachable = closed_port_url()
    uri = f"sqlite:///{tmp_path / 'registry' / 'mlflow.db'}"
    (tmp_path / "registry").mkdir()
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    run = client.create_run(client.create_experiment("churn"))
    client.create_registered_model("churn", tags={"data-classification": "personal"})
    client.create_model_version("churn", f"runs:/{run.info.run_id}/model", run_id=run.info.run_id)
    client.transition_model_version_stage("churn", "1", "Production")

    config = tmp_path / "registry" / "audit.yaml"
    config.write_text(
        "sources:\n"
        "  - {type: mlflow, tracking_uri: 'sqlite:///mlflow.db'}\n"  # relative to this folder
        f"  - {{type: mlflow, tracking_uri: '{unreachable}'}}\n"
        f"  - {{type: files, paths: ['{ESTATE / 'tfplan.gke.json'}']}}\n"
        "output: {format: json}\n"
    )
    result = CliRunner().invoke(cli, ["audit", "--config", str(config)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    judged = {f["resource"]["id"] for f in report["findings"]}
    assert "mlflow:model/churn/1" in judged  # a production version with no validation record
    assert "terraform:google_container_node_pool.gpu" in judged
    (failed,) = [line for line in result.stderr.splitlines() if "not collected" in line]
    assert failed.startswith(f"gavel: not collected: mlflow:{unreachable}: {unreachable}: ")
