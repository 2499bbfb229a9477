"""The Namespace objects of admitted requests, fetched from the API server and kept a short while.

An AdmissionReview carries the object but not its namespace, while a namespace label classifies
everything in it (DESIGN.md section 3): without the lookup, a Pod in a namespace labelled
`personal` would be judged as unclassified and pass rules it should fail. Kyverno and Gatekeeper
fetch or replicate namespaces for the same reason. Entries live `ttl` seconds, so a relabelled
namespace takes effect within that time and the API server sees one GET per namespace per `ttl`.
A namespace that does not exist (yet) is cached as absent; any other failure raises, and the
webhook answers by its failure mode rather than judging without the label.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..adapters.kubernetes_cluster import ApiStatusError, ClusterConnection
from ..engine.errors import InputError, SourceLocation

DEFAULT_TTL_SECONDS = 30.0


@dataclass(frozen=True)
class _Entry:
    namespace: Mapping[str, Any] | None
    expires: float


class NamespaceLookup:
    """Namespace objects by name from one cluster, cached; safe to share between threads."""

    def __init__(
        self,
        connection: ClusterConnection,
        *,
        ttl: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.connection = connection
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Mapping[str, Any] | None:
        """The Namespace object called `name`, or None when the cluster has no such namespace."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(name)
        if entry is not None and entry.expires > now:
            return entry.namespace
        namespace = self._fetch(name)
        with self._lock:
            self._entries[name] = _Entry(namespace, now + self.ttl)
        return namespace

    def _fetch(self, name: str) -> Mapping[str, Any] | None:
        try:
            return self.connection.get(f"/api/v1/namespaces/{quote(name, safe='')}")
        except ApiStatusError as error:
            if error.status == 404:
                return None
            raise InputError(
                f"cannot read namespace {name!r}: {error}", SourceLocation(self.connection.server)
            ) from None
