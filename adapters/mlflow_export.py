"""Reading an MLflow model registry into one export document through `MlflowClient`.

The export holds the registry's objects in the REST API's own JSON shapes (`registered-models/
search`, `model-versions/search`, `runs/get`), converted from the client's entities with MLflow's
own protobuf-to-JSON function, so a registry read live and one saved as a file are the same
document (`adapters.mlflow` turns either into resources). `mlflow` is imported here, on use only:
it is an optional dependency (`pip install gavel[mlflow]`) and slow to import.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from ..engine.errors import InputError, SourceLocation

EXPORT_FORMAT = "gavel.mlflow-registry-export/1"


def export_mlflow(tracking_uri: str, *, exported_at: datetime, page_size: int = 100) -> dict[str, Any]:
    """Registered models, all their versions and the runs that produced them, as REST JSON."""
    try:
        from mlflow import MlflowClient
        from mlflow.exceptions import MlflowException
    except ImportError:
        raise InputError(
            "reading an MLflow registry needs the mlflow package",
            SourceLocation(tracking_uri),
            hint="pip install 'gavel[mlflow]'",
        ) from None
    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    try:
        models = [
            _rest(model)
            for model in _pages(
                lambda token: client.search_registered_models(max_results=page_size, page_token=token)
            )
        ]
        versions = [
            _rest(version)
            for version in _pages(
                lambda token: client.search_model_versions(max_results=page_size, page_token=token)
            )
        ]
        runs = []
        for run_id in sorted({str(v["run_id"]) for v in versions if v.get("run_id")}):
            try:
                runs.append(_rest(client.get_run(run_id)))
            except MlflowException as error:
                if error.error_code != "RESOURCE_DOES_NOT_EXIST":
                    raise
    except MlflowException as error:
        raise InputError(
            f"MLflow registry read failed: {error.message}", SourceLocation(tracking_uri)
        ) from None
    return {
        "format": EXPORT_FORMAT,
        "tracking_uri": tracking_uri,
        "exported_at": exported_at.isoformat(),
        "registered_models": sorted(models, key=lambda m: str(m.get("name"))),
        "model_versions": sorted(versions, key=lambda v: (str(v.get("name")), int(v.get("version") or 0))),
        "runs": runs,
    }


def _pages(search: Callable[[str | None], Any]) -> Iterator[Any]:
    """Every entity of a paged search: MLflow hands back a list with a `token` for the next page."""
    token: str | None = None
    while True:
        page = search(token)
        yield from page
        token = page.token
        if not token:
            return


def _rest(entity: Any) -> dict[str, Any]:
    """An entity as the REST API writes it (int64 timestamps as numbers, snake_case names)."""
    from mlflow.utils.proto_json_utils import message_to_json

    document: dict[str, Any] = json.loads(message_to_json(entity.to_proto()))
    return document
