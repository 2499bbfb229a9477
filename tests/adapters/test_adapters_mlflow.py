"""The MLflow adapter against a real `mlflow server` on loopback with a SQLite backend store.

The registry is populated with the real client (runs with logged input datasets, registered
versions, aliases, a stage, tags), then read back through `collect_mlflow`.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gavel.adapters.detect import collect_paths
from gavel.adapters.mlflow import collect_mlflow
from gavel.adapters.mlflow_export import export_mlflow
from gavel.engine.errors import InputError
from gavel.engine.models import Link, Resource

pytestmark = pytest.mark.slow
AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll `/health` until it answers 200, the server exits, or the bounded wait runs out."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"mlflow server exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"mlflow server not healthy after {STARTUP_SECONDS}s: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def mlflow_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("mlflow")
    root = tmp_path_factory.mktemp("mlflow")
    port = free_port()
    log = root / "server.log"
    command = [
        sys.executable, "-m", "mlflow", "server",
        "--backend-store-uri", f"sqlite:///{root / 'mlflow.db'}",
        "--default-artifact-root", str(root / "artifacts"),
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log)
        populate(url)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


def populate(url: str) -> None:
    import mlflow
    import pandas as pd
    from mlflow import MlflowClient

    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(url)
    try:
        frame = pd.DataFrame({"income": [1.0, 2.0], "default": [0.0, 1.0]})
        loans = mlflow.data.from_pandas(frame, source="s3://risk-lake/loans/2026-10.parquet", name="loans")
        bureau = mlflow.data.from_pandas(frame, source="gs://bureau-data/scores/", name="bureau")
        with mlflow.start_run(run_name="credit-v1") as first:
            mlflow.log_input(loans, context="training")
            mlflow.log_input(bureau, context="training")
        with mlflow.start_run(run_name="credit-v2") as second:
            mlflow.log_input(loans, context="training")
    finally:
        mlflow.set_tracking_uri(previous)
    client = MlflowClient(tracking_uri=url, registry_uri=url)
    client.create_registered_model(
        "credit-risk",
        tags={"eu_ai_act_risk": "high", "data-classification": "personal"},
        description="PD model",
    )
    one = client.create_model_version(
        "credit-risk",
        f"runs:/{first.info.run_id}/model",
        run_id=first.info.run_id,
        tags={"validation_status": "passed", "validation_date": "2026-10-01", "approved_by": "mrm-committee"},
    )
    two = client.create_model_version(
        "credit-risk", f"runs:/{second.info.run_id}/model", run_id=second.info.run_id
    )
    client.set_registered_model_alias("credit-risk", "champion", one.version)
    client.set_registered_model_alias("credit-risk", "challenger", two.version)
    client.set_model_version_tag("credit-risk", two.version, "intended_use", "shadow scoring only")
    client.create_registered_model("churn")
    churn = client.create_model_version("churn", "s3://models/churn/1")
    client.transition_model_version_stage("churn", churn.version, "Production")


@pytest.fixture(scope="module")
def registry(mlflow_url: str) -> dict[str, Resource]:
    return {resource.id: resource for resource in collect_mlflow(mlflow_url, collected_at=AT).collect()}


def test_registered_models_and_versions_with_identities(registry: dict[str, Resource]) -> None:
    kinds = sorted((r.kind, r.name) for r in registry.values() if r.kind != "mlflow_run")
    assert kinds == [
        ("mlflow_model_version", "churn/1"),
        ("mlflow_model_version", "credit-risk/1"),
        ("mlflow_model_version", "credit-risk/2"),
        ("mlflow_registered_model", "churn"),
        ("mlflow_registered_model", "credit-risk"),
    ]
    assert registry["mlflow:model/credit-risk"].identities == ("model:credit-risk",)
    assert registry["mlflow:model/credit-risk/1"].identities == ("model-version:credit-risk/1",)


def test_version_carries_aliases_tags_and_model_tags(registry: dict[str, Resource]) -> None:
    champion = registry["mlflow:model/credit-risk/1"]
    assert champion.attributes["aliases"] == ["champion"]
    assert champion.labels == {
        "eu_ai_act_risk": "high",
        "data-classification": "personal",
        "validation_status": "passed",
        "validation_date": "2026-10-01",
        "approved_by": "mrm-committee",
    }
    assert champion.attributes["registry"]["exported_at"] == AT.isoformat()
    challenger = registry["mlflow:model/credit-risk/2"]
    assert challenger.attributes["aliases"] == ["challenger"]
    assert challenger.labels["intended_use"] == "shadow scoring only"
    assert registry["mlflow:model/churn/1"].attributes["current_stage"] == "Production"


def test_training_run_and_its_datasets_are_linked(registry: dict[str, Resource]) -> None:
    champion = registry["mlflow:model/credit-risk/1"]
    run_id = champion.attributes["run_id"]
    assert champion.links == (
        Link("trained_on", f"run:{run_id}"),
        Link("trained_on", "dataset:s3://risk-lake/loans/2026-10.parquet"),
        Link("trained_on", "storage:s3://risk-lake"),
        Link("trained_on", "dataset:gs://bureau-data/scores/"),
        Link("trained_on", "storage:gs://bureau-data"),
    )
    assert [(d["name"], d["context"]) for d in champion.attributes["training_datasets"]] == [
        ("loans", "training"),
        ("bureau", "training"),
    ]
    run = registry[f"mlflow:run/{run_id}"]
    assert (run.kind, run.name, run.identities) == ("mlflow_run", "credit-v1", (f"run:{run_id}",))
    assert Link("reads", "storage:s3://risk-lake") in run.links


def test_version_without_a_run_has_no_training_links(registry: dict[str, Resource]) -> None:
    churn = registry["mlflow:model/churn/1"]
    assert (churn.attributes["run"], churn.links, churn.attributes["training_datasets"]) == (None, (), [])


def test_paged_reads_give_the_same_export(mlflow_url: str) -> None:
    assert export_mlflow(mlflow_url, exported_at=AT, page_size=1) == export_mlflow(mlflow_url, exported_at=AT)


def test_saved_export_is_an_input_kind(
    mlflow_url: str, registry: dict[str, Resource], tmp_path: Path
) -> None:
    saved = tmp_path / "registry.json"
    saved.write_text(json.dumps(export_mlflow(mlflow_url, exported_at=AT)))
    collection = collect_paths([saved], collected_at=AT)
    assert {r.id: (r.attributes, r.links) for r in collection.resources} == {
        rid: (r.attributes, r.links) for rid, r in registry.items()
    }


def test_unreachable_tracking_server_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("mlflow")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    with pytest.raises(InputError, match=r"http://127.0.0.1:9: MLflow registry read failed"):
        export_mlflow("http://127.0.0.1:9", exported_at=AT)


def test_export_entry_without_a_name_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "registry.json"
    bad.write_text(
        json.dumps({"format": "gavel.mlflow-registry-export/1", "model_versions": [{"version": "1"}]})
    )
    with pytest.raises(
        InputError, match=r"registry.json: MLflow registry export: model_versions\[0\] has no 'name'"
    ):
        collect_paths([bad], collected_at=AT)
