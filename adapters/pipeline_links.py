"""How a pipeline task names the lineage job it runs and the compute it lands on.

Kubeflow, Argo and Airflow describe the same two facts in their own shapes: which OpenLineage job a
task runs (the label, annotation, tag or param `openlineage.io/job` = `<namespace>/<name>`, else
`<pipeline>/<task>`) and which node pool or machine type its pods are pinned to (node selector
labels). The three adapters read their own shapes and build identities and links here, so a task
from any of them meets the lineage job and the node pool under the same keys (DESIGN.md section 3).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..engine.identities import (
    INSTANCE_TYPE_LABELS,
    LINEAGE_JOB_LABEL,
    NODE_POOL_LABELS,
    instance_type_key,
    nodepool_key,
)
from ..engine.models import Link


def declared_job(*sources: Any) -> str | None:
    """The first non-empty `openlineage.io/job` value among label, annotation, tag or param maps."""
    for source in sources:
        if isinstance(source, Mapping):
            value = source.get(LINEAGE_JOB_LABEL)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def runs_on_links(node_selector: Any) -> tuple[Link, ...]:
    """`runs_on` links to the node pools and instance types a node selector pins pods to."""
    if not isinstance(node_selector, Mapping):
        return ()
    links: list[Link] = []
    for key in NODE_POOL_LABELS:
        value = node_selector.get(key)
        if isinstance(value, str) and value and not _is_placeholder(value):
            links.append(Link("runs_on", nodepool_key(value)))
    for key in INSTANCE_TYPE_LABELS:
        value = node_selector.get(key)
        if isinstance(value, str) and value and not _is_placeholder(value):
            links.append(Link("runs_on", instance_type_key(value)))
    return tuple(dict.fromkeys(links))


def mapping_at(value: Any, *path: str) -> Mapping[str, Any]:
    """The mapping at `path` inside nested documents, or an empty one when any step is missing."""
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def _is_placeholder(value: str) -> bool:
    """An unresolved template (`{{inputs.parameters.pool}}`) names no node pool yet."""
    return "{{" in value
