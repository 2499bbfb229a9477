"""Opening an evidence database: URL forms, SQLite and PostgreSQL transaction settings, schema versions.

SQLite runs in WAL mode with `synchronous=FULL`, and every write transaction starts with
`BEGIN IMMEDIATE`, so the write lock is taken before the log's state row is read (SQLAlchemy's
documented pysqlite workaround); readers use a second engine with ordinary deferred transactions.
Writers on one SQLite file also queue on a kernel file lock before `BEGIN IMMEDIATE`: SQLite's
own busy handler polls with sleeps growing to 100 ms, which under several webhook processes turns
a 2 ms commit wait into a tail of hundreds of milliseconds, while `flock` wakes the next writer as
soon as the lock is free. PostgreSQL serializes appends by `SELECT ... FOR UPDATE` on the state
row. The schema version is recorded in `gavel_schema_version` and upgraded by the ordered steps
in `MIGRATIONS`.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlmodel import SQLModel

from .errors import StoreUnavailableError
from .report_index import INDEX_TABLES, create_index_tables
from .tables import APPEND_ONLY_TABLES, SchemaVersion, table_of

SCHEMA_COMPONENT = "evidence"
BUSY_TIMEOUT_MS = 60_000


class WriterLock:
    """An exclusive lock across processes (a `flock` on a side file) and across threads of one."""

    def __init__(self, path: Path):
        self.path = path
        self._threads = threading.Lock()
        self._descriptor: int | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._threads:
            if self._descriptor is None:
                self._descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._descriptor, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._descriptor, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._threads:
            if self._descriptor is not None:
                os.close(self._descriptor)
                self._descriptor = None


@dataclass(frozen=True)
class Database:
    """A writer engine (serializing transactions) and a reader engine over the same store."""

    url: str
    writer: Engine
    reader: Engine
    writer_lock: WriterLock | None = field(default=None, compare=False)

    @property
    def is_sqlite(self) -> bool:
        return self.writer.dialect.name == "sqlite"

    def exclusive(self) -> AbstractContextManager[None]:
        """Hold while writing: queues writers without SQLite's sleeping busy handler."""
        return self.writer_lock.held() if self.writer_lock is not None else nullcontext()

    def pipelined(self, cursor: Any) -> AbstractContextManager[Any]:
        """Send the statements run inside as one batch on PostgreSQL (psycopg pipeline mode): an
        append's writes then cost one round trip instead of one each. Only writes belong inside:
        a result is not available before the block ends, where a failure surfaces."""
        return nullcontext() if self.is_sqlite else cursor.connection.pipeline()

    def dispose(self) -> None:
        if self.writer_lock is not None:
            self.writer_lock.close()
        self.writer.dispose()
        if self.reader is not self.writer:
            self.reader.dispose()


@contextmanager
def driver_cursor(connection: Connection) -> Iterator[Any]:
    """A DB-API cursor in `connection`'s transaction, its errors raised as SQLAlchemy's.

    The append path runs its statements on it directly: SQLAlchemy's per-statement work cost
    more CPU than SQLite's own, and the webhook appends hundreds of small batches a second.
    """
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.cursor()
    try:
        yield cursor
    except dbapi.Error as error:
        raise DBAPIError.instance(None, None, error, dbapi.Error) from error
    finally:
        cursor.close()


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def connect(url: str) -> Database:
    """Engines for `sqlite:///path` or `postgresql[+psycopg]://...`; the schema is brought up to date."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StoreUnavailableError(f"evidence store URL {url!r} is not a database URL") from error
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise StoreUnavailableError(
                "the SQLite evidence store needs a file path: sqlite:///path/evidence.db"
            )
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        database = Database(
            url,
            _sqlite_engine(url, True),
            _sqlite_engine(url, False),
            WriterLock(Path(f"{parsed.database}.writer-lock")),
        )
    elif parsed.get_backend_name() == "postgresql":
        pg_url = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(pg_url, pool_pre_ping=True)
        database = Database(url, engine, engine)
    else:
        raise StoreUnavailableError(
            f"unsupported evidence store {parsed.drivername!r}; use sqlite:/// or postgresql://"
        )
    try:
        migrate(database)
    except StoreUnavailableError:
        database.dispose()
        raise
    except SQLAlchemyError as error:
        database.dispose()
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise StoreUnavailableError(
            f"cannot open evidence store {parsed.render_as_string(hide_password=True)}: {reason}"
        ) from error
    return database


def _append_only_sqlite(connection: Connection, tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> None:
    for table in tables:
        for action in ("UPDATE", "DELETE"):
            connection.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def _append_only_postgresql(connection: Connection, tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> None:
    connection.execute(
        text(
            "CREATE OR REPLACE FUNCTION gavel_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
    )
    for table in tables:
        connection.exec_driver_sql(
            f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION gavel_append_only()"
        )


def _version_1(connection: Connection) -> None:
    SQLModel.metadata.create_all(connection)
    if connection.dialect.name == "sqlite":
        _append_only_sqlite(connection)
    else:
        _append_only_postgresql(connection)


def _version_2(connection: Connection) -> None:
    """The report index (evidence/report_index.py), append-only too; `backfill` fills older entries."""
    create_index_tables(connection)
    if connection.dialect.name == "sqlite":
        _append_only_sqlite(connection, INDEX_TABLES)
    else:
        _append_only_postgresql(connection, INDEX_TABLES)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _version_1, 2: _version_2}
SCHEMA_VERSION = max(MIGRATIONS)


def migrate(database: Database) -> None:
    """Apply the missing migration steps in one write transaction; refuse a newer schema."""
    versions = table_of(SchemaVersion)
    with database.writer.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('gavel-evidence-schema'))"))
        versions.create(connection, checkfirst=True)
        mine = versions.c.component == SCHEMA_COMPONENT
        current = connection.execute(select(versions.c.version).where(mine)).scalar_one_or_none()
        if current is not None and current > SCHEMA_VERSION:
            raise StoreUnavailableError(
                f"evidence store schema version {current} is newer than this gavel knows ({SCHEMA_VERSION})",
                hint="upgrade gavel",
            )
        for version in range((current or 0) + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version](connection)
        if current is None:
            connection.execute(versions.insert().values(component=SCHEMA_COMPONENT, version=SCHEMA_VERSION))
        elif current < SCHEMA_VERSION:
            connection.execute(versions.update().where(mine).values(version=SCHEMA_VERSION))
