"""The OpenLineage receiver on loopback, fed by the real openlineage-python HTTP transport."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import requests
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import job_type_job, schema_dataset, tags_dataset
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpCompression, HttpConfig, HttpTransport
from postgres_database import temporary_database

from gavel.adapters.openlineage_store import LineageStore, OpenLineageStore
from gavel.engine.models import Link
from gavel.server.lineage import LineageServer

TOKEN = "lineage-test-token"
PRODUCER = "https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python"
JAFFLE = Path(__file__).parent.parent / "data/adapters/openlineage/crafted/events.jaffle-shop.jsonl"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LineageStore]:
    opened = LineageStore.open(f"sqlite:///{tmp_path / 'home' / 'lineage.db'}")
    yield opened
    opened.close()


@pytest.fixture
def server(store: LineageStore) -> Iterator[LineageServer]:
    with LineageServer(store, "127.0.0.1", 0, token=TOKEN) as running:
        yield running


def _client(
    url: str, api_key: str | None = TOKEN, compression: HttpCompression | None = None
) -> OpenLineageClient:
    auth = ApiKeyTokenProvider({"api_key": api_key}) if api_key else None
    config = HttpConfig(url=url, compression=compression, **({"auth": auth} if auth else {}))
    return OpenLineageClient(transport=HttpTransport(config))


def _training_event(state: RunState, run_id: str, time: str) -> RunEvent:
    users = InputDataset(
        namespace="s3://eu-lake",
        name="curated/users",
        facets={
            "tags": tags_dataset.TagsDatasetFacet(
                tags=[
                    tags_dataset.TagsDatasetFacetFields(
                        key="data-classification", value="personal", source="USER"
                    )
                ]
            ),
            "schema": schema_dataset.SchemaDatasetFacet(
                fields=[schema_dataset.SchemaDatasetFacetFields(name="email", type="string")]
            ),
        },
    )
    features = OutputDataset(namespace="s3://eu-lake", name="features/users")
    job = Job(
        namespace="ml-training",
        name="churn.train",
        facets={
            "jobType": job_type_job.JobTypeJobFacet(
                processingType="BATCH", integration="KUBEFLOW", jobType="JOB"
            )
        },
    )
    return RunEvent(
        eventType=state,
        eventTime=time,
        run=Run(runId=run_id),
        job=job,
        inputs=[users],
        outputs=[features],
        producer=PRODUCER,
    )


def test_events_sent_by_the_client_are_stored_and_collected(
    server: LineageServer, store: LineageStore
) -> None:
    run_id = str(uuid.uuid4())
    client = _client(server.url)
    client.emit(_training_event(RunState.START, run_id, "2026-11-20T08:00:00+00:00"))
    _client(server.url, compression=HttpCompression.GZIP).emit(
        _training_event(RunState.COMPLETE, run_id, "2026-11-20T09:30:00+00:00")
    )
    assert store.count() == 2
    audit = OpenLineageStore(store, datetime.now(UTC))
    resources = {r.id: r for r in audit.collect()}
    assert audit.describe()["events"] == 2
    users = resources["openlineage:dataset:s3://eu-lake/curated/users"]
    assert users.labels == {"data-classification": "personal"}
    assert users.links == (Link("stored_in", "storage:s3://eu-lake"),)
    assert users.provenance.source == store.url and users.provenance.line == 2
    job = resources["openlineage:job:ml-training/churn.train"]
    assert job.attributes["latest_run"] == {
        "runId": run_id,
        "eventType": "COMPLETE",
        "eventTime": "2026-11-20T09:30:00+00:00",
    }
    assert job.links == (
        Link("reads", "dataset:s3://eu-lake/curated/users"),
        Link("writes", "dataset:s3://eu-lake/features/users"),
    )


def test_a_missing_or_wrong_token_is_refused(server: LineageServer, store: LineageStore) -> None:
    event = _training_event(RunState.START, str(uuid.uuid4()), "2026-11-20T08:00:00+00:00")
    for client in (_client(server.url, api_key="wrong"), _client(server.url, api_key=None)):
        with pytest.raises(requests.HTTPError) as raised:
            client.emit(event)
        assert raised.value.response.status_code == 401
    assert store.count() == 0


def test_invalid_events_get_400_with_the_schema_path(server: LineageServer, store: LineageStore) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    lines = JAFFLE.read_text().splitlines()
    with httpx.Client(base_url=server.url, headers=headers) as http:
        invalid = http.post("/api/v1/lineage", content=lines[4])
        not_json = http.post("/api/v1/lineage", content=b"{not json")
        array = http.post("/api/v1/lineage", content=f"[{lines[0]}]")
        valid = http.post(
            "/api/v1/lineage", content=gzip.compress(lines[0].encode()), headers={"Content-Encoding": "gzip"}
        )
    assert invalid.status_code == 400
    assert invalid.json() == {"error": "invalid OpenLineage event: run.runId: 'x' is not a 'uuid'"}
    assert not_json.status_code == 400 and not_json.json()["error"].startswith("the body is not JSON")
    assert array.status_code == 400
    assert valid.status_code == 201 and valid.json() == {"id": 1}
    assert [body for _, body in store.rows()] == [lines[0]]


def test_healthz(server: LineageServer) -> None:
    answer = httpx.get(f"{server.url}/healthz")
    assert (answer.status_code, answer.text) == (200, "ok")


@pytest.mark.postgres
def test_postgresql_store_round_trip() -> None:
    with temporary_database() as url:
        store = LineageStore.open(url)
        try:
            with LineageServer(store, "127.0.0.1", 0) as server:
                for line in JAFFLE.read_text().splitlines():
                    httpx.post(f"{server.url}/api/v1/lineage", content=line)
            assert store.count() == 8
            resources = list(OpenLineageStore(store, datetime.now(UTC)).collect())
            assert len(resources) == 9
            assert store.url.startswith("postgresql://postgres@127.0.0.1:5432/gavel_test_")
        finally:
            store.close()


def test_gavel_lineage_serve_command(tmp_path: Path) -> None:
    """The command listens before it prints its URL; that line is the readiness signal."""
    environment = {**os.environ, "GAVEL_HOME": str(tmp_path), "GAVEL_LINEAGE_TOKEN": TOKEN}
    process = subprocess.Popen(
        [sys.executable, "-c", "from gavel.cli import main; main()", "lineage", "serve", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        assert process.stderr is not None
        banner = process.stderr.readline()
        url = banner.split(" at ", 1)[1].split("/api/v1/lineage", 1)[0]
        assert "bearer token required" in banner and str(tmp_path / "lineage.db") in banner
        _client(url).emit(_training_event(RunState.START, str(uuid.uuid4()), "2026-11-20T08:00:00+00:00"))
    finally:
        process.terminate()
        process.wait(timeout=30)
    store = LineageStore.open(f"sqlite:///{tmp_path / 'lineage.db'}")
    assert [json.loads(body)["eventType"] for _, body in store.rows()] == ["START"]
    store.close()
