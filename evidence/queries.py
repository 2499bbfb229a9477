"""Aggregations for audit reports, in SQL over the report index (SQLite and PostgreSQL alike).

Every query is bounded by a log size (the checkpoint the report cites) and a period of
evaluation times, and groups in the database: a million decisions come back as a few hundred
rows of (day, bundle, kind) counts and (day, policy, kind) failures. Python then only joins
those groups with the policy library's mapping (policy -> frameworks, articles, resource kinds),
which is small, to get checks and failures per framework, requirement and time bucket. Each
query reads one index table (rows carry their decision's evaluation time), never a join per row.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Integer, cast, desc, distinct, func, select, true
from sqlalchemy.sql import ColumnElement

from ..engine.metadata import PolicyMetadata
from ..engine.models import Severity
from ..engine.posture import (
    EvidenceLink,
    FailingPolicy,
    FailingResource,
    FrameworkPosture,
    OpenResult,
    PosturePoint,
    Rate,
    RequirementPosture,
    WaiverUse,
)
from .report_index import BUNDLE, DECISION_KIND, ENTRY, ENTRY_INDEX, KIND, RESULT, WAIVER
from .statement import rfc3339_millis
from .store import LOG_ID

WEEKLY_AFTER_DAYS = 62

E, K, R, W = ENTRY_INDEX, KIND, RESULT, WAIVER


def day_of(table: Any) -> Any:
    """The `YYYY-MM-DD` of a row's evaluation time; build it once per query (PostgreSQL compares
    GROUP BY expressions with their bound parameters)."""
    return func.substr(table.c.evaluated_at, 1, 10)


@dataclass(frozen=True)
class Scope:
    """What a report covers: the library's mapping, the frameworks, the period and the log prefix."""

    policies: Sequence[PolicyMetadata]
    frameworks: Sequence[str]
    since: datetime | None
    until: datetime | None
    upto: int
    filtered: bool

    def framework_policies(self, framework: str) -> tuple[str, ...]:
        return tuple(
            sorted(p.id for p in self.policies if any(r.framework == framework for r in p.regulations))
        )

    def policy_ids(self) -> tuple[str, ...]:
        """Policies in scope: those mapped to a selected framework, or the whole library."""
        if not self.filtered:
            return tuple(sorted(p.id for p in self.policies))
        return tuple(sorted({pid for f in self.frameworks for pid in self.framework_policies(f)}))

    def period(self, table: Any) -> list[ColumnElement[bool]]:
        """The WHERE clause selecting a table's rows of decisions in the period and the log prefix."""
        clauses = [table.c.log_id == LOG_ID, table.c.idx < self.upto]
        if self.since is not None:
            clauses.append(table.c.evaluated_at >= rfc3339_millis(self.since))
        if self.until is not None:
            clauses.append(table.c.evaluated_at < rfc3339_millis(self.until))
        return clauses

    def decisions(self) -> list[ColumnElement[bool]]:
        return [*self.period(E), E.c.record_kind == DECISION_KIND]

    def limit_policies(self, column: Any) -> list[ColumnElement[bool]]:
        return [column.in_(self.policy_ids())] if self.filtered else []


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _natural(text: str) -> tuple[tuple[int, str], ...]:
    """`Art. 9` before `Art. 32`: digit runs compare as numbers."""
    return tuple(
        (int(part), "") if part.isdigit() else (0, part) for part in re.split(r"(\d+)", text) if part
    )


class _Counter:
    """Checks and failures keyed by anything hashable, filled from grouped rows."""

    def __init__(self) -> None:
        self.checks: defaultdict[Any, int] = defaultdict(int)
        self.failed: defaultdict[Any, int] = defaultdict(int)

    def rate(self, key: Any) -> Rate:
        checks = self.checks.get(key, 0)
        return Rate(checks, min(self.failed.get(key, 0), checks))


class Posture:
    """Checks and failures per framework, day and article, from two grouped queries."""

    def __init__(self, connection: Connection, scope: Scope):
        self.scope = scope
        self.meta = {p.id: p for p in scope.policies}
        selected = set(scope.frameworks)
        self.frameworks_of = {
            p.id: sorted({r.framework for r in p.regulations} & selected) for p in scope.policies
        }
        self.articles_of = {
            p.id: sorted({(r.framework, r.article) for r in p.regulations if r.framework in selected})
            for p in scope.policies
        }
        in_scope = set(scope.policy_ids())
        day = day_of(K)
        counts = connection.execute(
            select(day, K.c.bundle_digest, K.c.kind, func.sum(K.c.resources))
            .where(*scope.period(K))
            .group_by(day, K.c.bundle_digest, K.c.kind)
        ).all()
        digests = sorted({row[1] for row in counts if row[1]})
        bundles: defaultdict[str, list[str]] = defaultdict(list)
        if digests:
            for digest, policy_id in connection.execute(
                select(BUNDLE.c.bundle_digest, BUNDLE.c.policy_id).where(BUNDLE.c.bundle_digest.in_(digests))
            ):
                bundles[digest].append(policy_id)
        self.unmapped = tuple(sorted({pid for ids in bundles.values() for pid in ids} - set(self.meta)))
        self.resources = sum(int(row[3]) for row in counts)
        self.days: set[str] = {row[0] for row in counts}
        self.by_day, self.by_article, self.overall = _Counter(), _Counter(), _Counter()
        applicable: dict[tuple[str, str], list[str]] = {}
        for day, digest, kind, resources in counts:
            key = (digest, kind)
            if key not in applicable:
                applicable[key] = [
                    pid
                    for pid in bundles.get(digest, ())
                    if pid in self.meta and self.meta[pid].applies_to(kind)
                ]
            self._add(self.by_day.checks, self.by_article.checks, day, applicable[key], int(resources))
            self.overall.checks[day] += int(resources) * sum(pid in in_scope for pid in applicable[key])
        day = day_of(R)
        failures = connection.execute(
            select(day, R.c.policy_id, R.c.kind, func.count())
            .where(*scope.period(R), R.c.blocking == true())
            .group_by(day, R.c.policy_id, R.c.kind)
        ).all()
        for day, policy_id, kind, count in failures:
            if policy_id in self.meta and self.meta[policy_id].applies_to(kind):
                self._add(self.by_day.failed, self.by_article.failed, day, [policy_id], int(count))
                self.overall.failed[day] += int(count) * (policy_id in in_scope)

    def _add(
        self,
        per_day: defaultdict[Any, int],
        per_article: defaultdict[Any, int],
        day: str,
        ids: Iterable[str],
        n: int,
    ) -> None:
        for policy_id in ids:
            for framework in self.frameworks_of[policy_id]:
                per_day[(framework, day)] += n
            for article in self.articles_of[policy_id]:
                per_article[article] += n

    def bucket(self) -> str:
        start = (
            self.scope.since.date()
            if self.scope.since
            else min(map(date.fromisoformat, self.days), default=None)
        )
        end = (
            self.scope.until.date()
            if self.scope.until
            else max(map(date.fromisoformat, self.days), default=None)
        )
        if start is None or end is None:
            return "day"
        return "week" if (end - start).days > WEEKLY_AFTER_DAYS else "day"

    def series(self, framework: str, bucket: str) -> tuple[PosturePoint, ...]:
        sums: defaultdict[date, list[int]] = defaultdict(lambda: [0, 0])
        for day in self.days:
            start = date.fromisoformat(day)
            if bucket == "week":
                start -= timedelta(days=start.weekday())
            rate = self.by_day.rate((framework, day))
            sums[start][0] += rate.checks
            sums[start][1] += rate.failed
        if not sums:
            return ()
        step = timedelta(days=7 if bucket == "week" else 1)
        points, current, last = [], min(sums), max(sums)
        while current <= last:
            checks, failed = sums.get(current, [0, 0])
            points.append(PosturePoint(current, Rate(checks, failed)))
            current += step
        return tuple(points)

    def framework(self, name: str, bucket: str) -> FrameworkPosture:
        policies = self.scope.framework_policies(name)
        checks = sum(v for (f, _), v in self.by_day.checks.items() if f == name)
        failed = sum(v for (f, _), v in self.by_day.failed.items() if f == name)
        articles: defaultdict[str, set[str]] = defaultdict(set)
        for policy_id in policies:
            for framework, article in self.articles_of[policy_id]:
                if framework == name:
                    articles[article].add(policy_id)
        requirements = tuple(
            RequirementPosture(article, tuple(sorted(ids)), self.by_article.rate((name, article)))
            for article, ids in sorted(articles.items(), key=lambda item: _natural(item[0]))
        )
        return FrameworkPosture(
            name, policies, Rate(checks, min(failed, checks)), self.series(name, bucket), requirements
        )

    def overall_rate(self) -> Rate:
        checks = sum(self.overall.checks.values())
        return Rate(checks, min(sum(self.overall.failed.values()), checks))


def _links(connection: Connection, indices: Iterable[int]) -> dict[int, EvidenceLink]:
    wanted = sorted(set(indices))
    if not wanted:
        return {}
    rows = connection.execute(
        select(ENTRY.c.idx, ENTRY.c.envelope_sha256).where(ENTRY.c.log_id == LOG_ID, ENTRY.c.idx.in_(wanted))
    )
    return {row.idx: EvidenceLink(row.idx, f"sha256:{row.envelope_sha256}") for row in rows}


def failing_policies(connection: Connection, scope: Scope, top: int) -> tuple[FailingPolicy, ...]:
    failures = func.count().label("failures")
    rows = connection.execute(
        select(
            R.c.policy_id,
            failures,
            func.count(distinct(R.c.resource_id)),
            func.max(R.c.evaluated_at),
            func.max(R.c.idx),
            func.min(R.c.severity),
        )
        .where(*scope.period(R), R.c.blocking == true(), *scope.limit_policies(R.c.policy_id))
        .group_by(R.c.policy_id)
        .order_by(desc(failures), R.c.policy_id)
        .limit(top)
    ).all()
    links = _links(connection, (row[4] for row in rows))
    meta = {p.id: p for p in scope.policies}
    found = []
    for policy_id, count, resources, last_seen, latest, severity in rows:
        known = meta.get(policy_id)
        found.append(
            FailingPolicy(
                policy_id,
                known.title if known else policy_id,
                known.severity if known else Severity(severity),
                int(count),
                int(resources),
                parse_time(last_seen),
                known.regulations if known else (),
                links[latest],
            )
        )
    return tuple(found)


def failing_resources(connection: Connection, scope: Scope, top: int) -> tuple[FailingResource, ...]:
    failures = func.count().label("failures")
    rows = connection.execute(
        select(
            R.c.resource_id,
            func.min(R.c.kind),
            failures,
            func.count(distinct(R.c.policy_id)),
            func.max(R.c.evaluated_at),
            func.max(R.c.idx),
        )
        .where(*scope.period(R), R.c.blocking == true(), *scope.limit_policies(R.c.policy_id))
        .group_by(R.c.resource_id)
        .order_by(desc(failures), R.c.resource_id)
        .limit(top)
    ).all()
    links = _links(connection, (row[5] for row in rows))
    return tuple(
        FailingResource(rid, kind, int(n), int(policies), parse_time(last), links[latest])
        for rid, kind, n, policies, last, latest in rows
    )


def open_results(connection: Connection, scope: Scope, limit: int) -> tuple[tuple[OpenResult, ...], bool]:
    """Every (policy, resource) pair with a non-passing result, worst outcome first; capped at `limit`."""
    last_seen = func.max(R.c.evaluated_at).label("last_seen")
    rows = connection.execute(
        select(
            R.c.policy_id,
            R.c.resource_id,
            func.min(R.c.kind),
            func.min(R.c.outcome),
            func.min(R.c.severity),
            func.count(),
            last_seen,
            func.max(cast(R.c.blocking, Integer)),
            func.max(R.c.idx),
        )
        .where(*scope.period(R), *scope.limit_policies(R.c.policy_id))
        .group_by(R.c.policy_id, R.c.resource_id)
        .order_by(desc(last_seen), R.c.policy_id, R.c.resource_id)
        .limit(limit + 1)
    ).all()
    links = _links(connection, (row[8] for row in rows[:limit]))
    results = tuple(
        OpenResult(
            policy_id,
            resource_id,
            kind,
            outcome,
            Severity(severity),
            int(count),
            parse_time(last),
            outcome != "warning" and not blocking,
            links[latest],
        )
        for policy_id, resource_id, kind, outcome, severity, count, last, blocking, latest in rows[:limit]
    )
    return results, len(rows) > limit


def waivers(connection: Connection, scope: Scope, today: date) -> tuple[WaiverUse, ...]:
    rows = connection.execute(
        select(
            W.c.waiver_key,
            W.c.policy_id,
            W.c.owner,
            W.c.reason,
            W.c.expires,
            W.c.state,
            func.count(),
            func.max(W.c.evaluated_at),
        )
        .where(*scope.period(W), *scope.limit_policies(W.c.policy_id))
        .group_by(W.c.waiver_key, W.c.policy_id, W.c.owner, W.c.reason, W.c.expires, W.c.state)
    ).all()
    merged: dict[tuple[str, str, str, str, str], tuple[int, datetime | None]] = {}
    for key, policy_id, owner, reason, expires, state, count, last in rows:
        identity = (key, policy_id, owner, reason, expires)
        applied, last_applied = merged.get(identity, (0, None))
        if state == "applied":
            applied, last_applied = applied + int(count), parse_time(last)
        merged[identity] = (applied, last_applied)
    uses = [
        WaiverUse(
            key,
            policy_id,
            owner,
            reason,
            date.fromisoformat(expires),
            applied,
            last_applied,
            WaiverUse.status_of(date.fromisoformat(expires), today),
        )
        for (key, policy_id, owner, reason, expires), (applied, last_applied) in merged.items()
    ]
    return tuple(sorted(uses, key=lambda w: (w.expires, w.waiver_id, w.policy_id)))


def totals_by_source(connection: Connection, scope: Scope) -> Mapping[tuple[str, str], int]:
    rows = connection.execute(
        select(E.c.source, E.c.decision, func.count())
        .where(*scope.decisions())
        .group_by(E.c.source, E.c.decision)
    )
    return {(str(source), str(decision)): int(count) for source, decision, count in rows}


def time_range(connection: Connection, scope: Scope) -> tuple[datetime | None, datetime | None]:
    first, last = connection.execute(
        select(func.min(E.c.evaluated_at), func.max(E.c.evaluated_at)).where(*scope.decisions())
    ).one()
    return (parse_time(first) if first else None, parse_time(last) if last else None)
