"""The webhook's Prometheus metrics: requests, decisions by outcome, latency, errors, evidence queue.

Each app gets its own registry. Under several uvicorn workers `PROMETHEUS_MULTIPROC_DIR` is set
(by `gavel webhook serve`) and `/metrics` aggregates every worker's values from that folder, so a
scrape sees the whole server, not whichever worker answered.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class WebhookMetrics:
    """The counters one webhook process updates.

    `answered` and `decided` keep each label combination's child: `labels()` validates and
    locks on every call, which is a measurable share of a review's cost outside evaluation.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "gavel_webhook_requests",
            "HTTP requests to /validate by status code",
            ["code"],
            registry=self.registry,
        )
        self.decisions = Counter(
            "gavel_webhook_decisions",
            "Admission answers by outcome (allow, deny, exempt, skip, fail-open, fail-closed)",
            ["outcome", "dry_run"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "gavel_webhook_request_seconds",
            "Time from request received to answer sent on /validate",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.evaluation_errors = Counter(
            "gavel_webhook_evaluation_errors",
            "Requests whose evaluation raised, ran past the deadline or reported policy errors",
            registry=self.registry,
        )
        self.evidence_failures = Counter(
            "gavel_webhook_evidence_failures",
            "Decisions whose evidence record was not confirmed before the answer",
            registry=self.registry,
        )
        self.evidence_pending = Gauge(
            "gavel_webhook_evidence_queue_depth",
            "Evidence records handed to the group-commit appender and not yet committed",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self._by_code: dict[int, Counter] = {}
        self._by_outcome: dict[tuple[str, bool], Counter] = {}

    def answered(self, status: int, seconds: float) -> None:
        """One `/validate` answer with its HTTP status, `seconds` after the request arrived."""
        child = self._by_code.get(status)
        if child is None:
            child = self._by_code[status] = self.requests.labels(str(status))
        child.inc()
        self.latency.observe(seconds)

    def decided(self, outcome: str, dry_run: bool) -> None:
        """One admission decision, by outcome and whether the request was a dry run."""
        child = self._by_outcome.get((outcome, dry_run))
        if child is None:
            child = self._by_outcome[outcome, dry_run] = self.decisions.labels(outcome, str(dry_run).lower())
        child.inc()

    def exposition(self) -> bytes:
        """The text format of every metric, across worker processes when running several."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry)
        return generate_latest(self.registry)
