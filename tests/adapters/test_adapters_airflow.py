"""The Airflow adapter against a real HTTP server on loopback serving recorded stable-API responses.

The responses (tests/data/adapters/airflow/, see its README) follow the published OpenAPI shapes of
Airflow 2 (`/api/v1`, basic auth) and Airflow 3 (`/api/v2`, bearer token); the server pages
collections by `limit`/`offset` like Airflow does, so pagination is exercised over the wire.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from gavel.adapters.airflow import AirflowExport, collect_airflow
from gavel.adapters.airflow_api import AirflowApi, AirflowAuth
from gavel.adapters.detect import collect_paths
from gavel.engine.errors import InputError
from gavel.engine.models import Resource

RECORDED = Path(__file__).parents[1] / "data" / "adapters" / "airflow"
AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
BASIC = "Basic " + base64.b64encode(b"auditor:s3cret").decode()
BEARER = "Bearer eyJhbGciOiJIUzUxMiJ9.gavel-test"


class RecordedAirflow(BaseHTTPRequestHandler):
    """Serves RECORDED/<version>/<path>.json for GET /api/<version>/<path>, checking credentials."""

    requests_seen: list[str] = []
    versions: tuple[str, ...] = ("v1", "v2")

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self.requests_seen.append(self.path)
        parts = url.path.strip("/").split("/")
        if len(parts) < 3 or parts[0] != "api" or parts[1] not in self.versions:
            return self._send(404, {"detail": "Not Found"})
        version = parts[1]
        expected = BASIC if version == "v1" else BEARER
        if self.headers.get("Authorization") != expected:
            return self._send(401, {"detail": "Not authenticated"})
        file = RECORDED.joinpath(version, *parts[2:]).with_suffix(".json")
        if not file.is_file():
            return self._send(404, {"detail": "Not Found"})
        body = json.loads(file.read_text())
        query = parse_qs(url.query)
        if parts[2:] == ["dags"]:
            offset = int(query.get("offset", ["0"])[0])
            limit = int(query.get("limit", ["100"])[0])
            body["dags"] = body["dags"][offset : offset + limit]
        return self._send(200, body)

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test asserts on `requests_seen` instead."""


def serve(handler: type[RecordedAirflow]) -> Iterator[str]:
    # The socket listens once the server is constructed, so requests can be sent at once.
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def airflow_url() -> Iterator[str]:
    RecordedAirflow.requests_seen = []
    yield from serve(RecordedAirflow)


@pytest.fixture
def airflow2_url() -> Iterator[str]:
    class Airflow2Only(RecordedAirflow):
        versions = ("v1",)

    RecordedAirflow.requests_seen = []

    yield from serve(Airflow2Only)


def by_id(export: AirflowExport) -> dict[str, Resource]:
    return {resource.id: resource for resource in export.collect()}


def test_airflow2_basic_auth_detected_version_and_pagination(airflow2_url: str) -> None:
    api = AirflowApi(airflow2_url, auth=AirflowAuth(username="auditor", password="s3cret"), page_size=2)
    assert api.api_version == "v1"
    export = api.export(AT)
    assert [entry["dag"]["dag_id"] for entry in export["dags"]] == [
        "customer_features",
        "model_refresh",
        "nightly_report",
    ]
    pages = [path for path in RecordedAirflow.requests_seen if path.startswith("/api/v1/dags?")]
    assert pages == ["/api/v1/dags?limit=2&offset=0", "/api/v1/dags?limit=2&offset=2"]


def test_airflow2_dags_and_tasks_as_resources(airflow2_url: str) -> None:
    auth = AirflowAuth(username="auditor", password="s3cret")
    resources = by_id(collect_airflow(airflow2_url, collected_at=AT, auth=auth))
    assert sorted(r for r in resources if resources[r].kind == "airflow_dag") == [
        "airflow:customer_features",
        "airflow:model_refresh",
        "airflow:nightly_report",
    ]
    dag = resources["airflow:customer_features"]
    assert dag.attributes["owners"] == ["data-eng"]
    assert dag.attributes["schedule"] == "0 3 * * *"
    assert dag.attributes["params"] == {"region": "eu-west-1"}
    assert dag.labels == {
        "data-classification": "personal",
        "openlineage.io/job": "ml-training/customer_features",
    }
    assert dag.identities == ("job:ml-training/customer_features",)
    assert [run["state"] for run in dag.attributes["dag_runs"]] == ["success", "failed"]
    train = resources["airflow:customer_features/train_model"]
    assert (train.attributes["operator"], train.attributes["queue"], train.attributes["pool"]) == (
        "KubernetesPodOperator",
        "gpu",
        "gpu_pool",
    )
    assert train.identities == ("job:ml-training/customer_features.train_model",)
    assert train.labels["data-classification"] == "personal"
    assert train.provenance.source == airflow2_url
    assert (
        resources["airflow:model_refresh"].attributes["schedule"]
        == '{"days": 1, "microseconds": 0, "seconds": 0}'
    )
    assert resources["airflow:model_refresh/refresh"].identities == ("job:model_refresh/refresh",)
    assert resources["airflow:nightly_report"].attributes["schedule"] is None


def test_airflow3_bearer_token_task_params_name_the_job(airflow_url: str) -> None:
    export = collect_airflow(airflow_url, collected_at=AT, auth=AirflowAuth(token=BEARER.split()[1]))
    resources = by_id(export)
    assert export.resources[0].attributes["api_version"] == "v2"
    score = resources["airflow:fraud_scoring/score"]
    assert score.identities == ("job:scoring/fraud_scoring.score_batch",)
    assert score.attributes["operator"] == "KubernetesPodOperator"
    assert score.attributes["params"] == {"openlineage.io/job": "scoring/fraud_scoring.score_batch"}
    assert resources["airflow:fraud_scoring/publish"].identities == ("job:scoring/fraud_scoring.publish",)
    assert resources["airflow:fraud_scoring"].attributes["schedule"] == "0 * * * *"
    assert resources["airflow:fraud_scoring"].labels == {"data-classification": "confidential"}
    assert resources["airflow:cleanup"].attributes["owners"] == ["airflow"]


def test_wrong_credentials_name_the_server_and_the_status(airflow_url: str) -> None:
    with pytest.raises(
        InputError, match=r"GET /api/v2/version answered 401 Unauthorized \(check the credentials\)"
    ):
        AirflowApi(airflow_url, auth=AirflowAuth(token="wrong"))


def test_unreachable_server_is_an_input_error() -> None:
    with pytest.raises(InputError, match="cannot reach the Airflow API: ConnectionError"):
        AirflowApi("http://127.0.0.1:9", api_version="v1", timeout=5).export(AT)


def test_saved_export_is_an_input_kind_judged_like_the_live_read(airflow2_url: str, tmp_path: Path) -> None:
    auth = AirflowAuth(username="auditor", password="s3cret")
    export = AirflowApi(airflow2_url, auth=auth).export(AT)
    saved = tmp_path / "airflow-export.json"
    saved.write_text(json.dumps(export))
    collection = collect_paths([saved], collected_at=AT)
    live = collect_airflow(airflow2_url, collected_at=AT, auth=auth)
    assert [(r.id, r.attributes, r.identities) for r in collection.resources] == [
        (r.id, r.attributes, r.identities) for r in live.collect()
    ]


def test_export_without_a_dags_list_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "airflow-export.json"
    bad.write_text(json.dumps({"format": "gavel.airflow-export/1", "dags": {}}))
    with pytest.raises(InputError, match=r"airflow-export.json: Airflow export has no 'dags' list"):
        collect_paths([bad], collected_at=AT)
