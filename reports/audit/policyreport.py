"""The audit as wg-policy PolicyReport objects (wgpolicyk8s.io/v1alpha2), for cluster tooling.

Policy Reporter, Kyverno's UI and similar tools read these. Results on namespaced Kubernetes
objects go to one `PolicyReport` per namespace; everything else (cluster-scoped objects,
Terraform and cloud resources) to the `ClusterPolicyReport` `gavel-audit`. Each result is one
(policy, resource) pair with non-passing results in the period: `fail` (unwaived violation),
`error` (evaluation error), `warn`, or `skip` (waived). Passing checks are counted, not listed,
in the ClusterPolicyReport's summary: the store keeps pass counts per resource kind, not per
object or namespace. Properties cite the signed evidence record last seen for the pair.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import yaml

from ...engine.posture import AuditSummary, OpenResult

API_VERSION = "wgpolicyk8s.io/v1alpha2"
# libyaml's emitter when PyYAML was built with it: the pure-Python one takes seconds on 500 results.
DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
REPORT_NAME = "gavel-audit"


def _verdict(result: OpenResult) -> str:
    if result.waived:
        return "skip"
    return {"error": "error", "violation": "fail"}.get(result.outcome, "warn")


def _reference(result: OpenResult) -> tuple[str | None, dict[str, str]]:
    """The namespace (None when cluster-scoped or not Kubernetes) and an ObjectReference."""
    if result.resource_id.startswith("kubernetes:"):
        namespace, kind, name = [*result.resource_id.removeprefix("kubernetes:").split("/", 2), "", ""][:3]
        if namespace and namespace != "_":
            return namespace, {"kind": kind, "name": name, "namespace": namespace}
        return None, {"kind": kind, "name": name}
    return None, {"kind": result.kind, "name": result.resource_id}


def _entry(result: OpenResult, reference: dict[str, str], categories: str) -> dict[str, Any]:
    seen = result.last_seen
    return {
        "source": "gavel",
        "policy": result.policy_id,
        "category": categories,
        "severity": result.severity.value,
        "result": _verdict(result),
        "scored": True,
        "message": f"{result.outcome} in {result.occurrences} decision(s), last seen {seen.isoformat()}",
        "timestamp": {"seconds": int(seen.timestamp()), "nanos": seen.microsecond * 1000},
        "properties": {
            "resource-id": result.resource_id,
            "evidence-log-index": str(result.latest.log_index),
            "evidence-record-digest": result.latest.record_digest,
        },
        "resources": [reference],
    }


def _report(
    kind: str, namespace: str | None, summary: AuditSummary, results: list[dict[str, Any]]
) -> dict[str, Any]:
    counts = Counter(r["result"] for r in results)
    totals = {key: counts.get(key, 0) for key in ("fail", "warn", "error", "skip")}
    if kind == "ClusterPolicyReport":
        totals = {"pass": summary.overall.passed, **totals}
    metadata: dict[str, Any] = {
        "name": REPORT_NAME,
        "labels": {"app.kubernetes.io/managed-by": "gavel"},
        "annotations": {
            "gavel.dev/period": summary.period_text(),
            "gavel.dev/evidence-log": summary.integrity.origin,
            "gavel.dev/store-verified": str(summary.integrity.verified).lower(),
        },
    }
    if summary.integrity.checkpoint is not None:
        metadata["annotations"]["gavel.dev/checkpoint-size"] = str(summary.integrity.checkpoint.size)
    if namespace is not None:
        metadata["namespace"] = namespace
    return {
        "apiVersion": API_VERSION,
        "kind": kind,
        "metadata": metadata,
        "summary": totals,
        "results": results,
    }


class PolicyReportAudit:
    name = "policyreport"
    file_name = "audit-report.policyreport.yaml"

    def render(self, summary: AuditSummary) -> bytes:
        categories: defaultdict[str, list[str]] = defaultdict(list)
        for framework in summary.frameworks:
            for policy_id in framework.policies:
                categories[policy_id].append(framework.name)
        cluster: list[dict[str, Any]] = []
        namespaced: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        for result in summary.open_results:
            namespace, reference = _reference(result)
            entry = _entry(result, reference, ", ".join(categories.get(result.policy_id, ())) or "unmapped")
            (namespaced[namespace] if namespace else cluster).append(entry)
        documents = [_report("ClusterPolicyReport", None, summary, cluster)]
        documents.extend(
            _report("PolicyReport", namespace, summary, namespaced[namespace])
            for namespace in sorted(namespaced)
        )
        return yaml.dump_all(documents, Dumper=DUMPER, sort_keys=False, allow_unicode=True).encode("utf-8")
