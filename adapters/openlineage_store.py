"""The lineage store: OpenLineage events as received, in SQLite or PostgreSQL, and read back for audits.

The receiver (`server/lineage.py`) appends every event that passed schema validation, as the exact
text it was sent, with the columns a reader filters on copied out of it. `OpenLineageStore` is
the adapter an audit uses: it reads every stored event back in arrival order and folds them into
dataset and job resources exactly as events read from files are (`openlineage_merge`).

The tables live in their own SQLModel registry, so creating them never touches another store's
schema (the evidence store creates every table of the default registry).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Engine, Integer, Text, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel

from ..engine.collector import collector_paused
from ..engine.errors import InputError
from ..engine.models import Resource
from .base import Skipped
from .openlineage_merge import ArrivalFold, LocatedEvent
from .openlineage_schema import event_type_of

_REGISTRY = registry()
T = TypeVar("T")


class LineageEventBase(SQLModel, registry=_REGISTRY):
    event_time: str = Field(index=True)
    event_type: str | None = None
    job_namespace: str | None = None
    job_name: str | None = None
    run_id: str | None = None


class LineageEventCreate(LineageEventBase):
    """A validated event on its way into the store: its exact text and the columns copied from it."""

    body: str

    @classmethod
    def from_text(cls, body: str, event: Mapping[str, Any]) -> LineageEventCreate:
        job: Mapping[str, Any] = event["job"] if isinstance(event.get("job"), Mapping) else {}
        run: Mapping[str, Any] = event["run"] if isinstance(event.get("run"), Mapping) else {}
        return cls(
            body=body,
            event_time=str(event["eventTime"]),
            event_type=event.get("eventType")
            if event_type_of(event) == "run"
            else event_type_of(event).upper(),
            job_namespace=job.get("namespace"),
            job_name=job.get("name"),
            run_id=run.get("runId"),
        )


class LineageEvent(LineageEventBase, table=True):
    __tablename__ = "openlineage_event"

    # SQLite assigns ids only to an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
    id: int | None = Field(
        default=None, primary_key=True, sa_type=BigInteger().with_variant(Integer, "sqlite")
    )
    received_at: str
    body: str = Field(sa_type=Text)


class LineageStoreError(InputError):
    """The lineage store cannot be opened, read or written."""


@dataclass
class LineageStore:
    """One lineage database; safe for several processes (SQLite WAL, or PostgreSQL)."""

    url: str
    engine: Engine

    @classmethod
    def open(cls, url: str) -> LineageStore:
        """Open `sqlite:///path` or `postgresql://...`, creating the table on first use."""
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise LineageStoreError(f"lineage store URL {url!r} is not a database URL") from None
        if parsed.get_backend_name() == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise LineageStoreError(
                    "the SQLite lineage store needs a file path: sqlite:///path/lineage.db"
                )
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = _sqlite_engine(url)
        elif parsed.get_backend_name() == "postgresql":
            engine = create_engine(parsed.set(drivername="postgresql+psycopg"), pool_pre_ping=True)
        else:
            raise LineageStoreError(
                f"unsupported lineage store {parsed.drivername!r}; use sqlite:/// or postgresql://"
            )
        store = cls(parsed.render_as_string(hide_password=True), engine)
        store._guard(lambda: _REGISTRY.metadata.create_all(engine), "open")
        return store

    def append(self, body: str, event: Mapping[str, Any], received_at: datetime | None = None) -> int:
        """Store one validated event; returns its id once committed."""
        row = LineageEvent.model_validate(
            LineageEventCreate.from_text(body, event),
            update={"received_at": (received_at or datetime.now(UTC)).isoformat()},
        )

        def write() -> int:
            with Session(self.engine) as session:
                session.add(row)
                session.commit()
                assert row.id is not None
                return row.id

        return self._guard(write, "write to")

    def count(self) -> int:
        def read() -> int:
            with self.engine.connect() as connection:
                return int(connection.execute(select(func.count()).select_from(LineageEvent)).scalar_one())

        return self._guard(read, "read")

    def rows(self) -> Iterator[tuple[int, str]]:
        """Every stored event's id and text, in arrival order."""
        table = _REGISTRY.metadata.tables[LineageEvent.__tablename__]
        statement = select(table.c.id, table.c.body).order_by(table.c.id)
        yield from self._guard(lambda: _fetch_all(self.engine, statement), "read")

    def close(self) -> None:
        self.engine.dispose()

    def _guard(self, action: Callable[[], T], verb: str) -> T:
        try:
            return action()
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
            raise LineageStoreError(f"cannot {verb} lineage store {self.url}: {reason}") from error


def _fetch_all(engine: Engine, statement: Any) -> list[tuple[int, str]]:
    with engine.connect() as connection:
        return [(int(row[0]), str(row[1])) for row in connection.execute(statement)]


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return engine


@dataclass
class OpenLineageStore:
    """The adapter over a lineage store: every stored event, folded into dataset and job resources."""

    store: LineageStore
    collected_at: datetime
    name: str = "openlineage-store"
    skipped: tuple[Skipped, ...] = field(default=())
    _events: int = 0

    def collect(self) -> Iterator[Resource]:
        """Each stored event parsed and folded in turn; only the stored texts are held."""
        rows = list(self.store.rows())
        fold: ArrivalFold[int] = ArrivalFold(lambda index: self._located(rows[index]))
        with collector_paused():
            for index, row in enumerate(rows):
                fold.add(self._located(row), index)
            resources = fold.resources(self.collected_at)
        self._events = fold.count
        yield from resources

    def _located(self, row: tuple[int, str]) -> LocatedEvent:
        row_id, body = row
        return LocatedEvent(json.loads(body), self.store.url, _digest(body), row_id)

    def describe(self) -> dict[str, Any]:
        """What the audit covered, for the evidence record."""
        return {"adapter": self.name, "store": self.store.url, "events": self._events}


def _digest(body: str) -> str:
    return f"sha256:{hashlib.sha256(body.encode('utf-8')).hexdigest()}"
