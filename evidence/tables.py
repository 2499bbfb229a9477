"""The evidence store's SQLModel tables, split base / table / create / public as the sqlmodel docs do.

`evidence_log` has one row per log and is the serialization point: every append locks it, reads
the next index and the Merkle frontier from it, and writes them back in the same transaction.
Entries, Merkle nodes and checkpoints are append-only (database triggers refuse updates and
deletes). Query columns on `evidence_entry` are copies of signed content written in the same
transaction; `verify` proves they still match it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Index, LargeBinary, Table, Text
from sqlmodel import Field, SQLModel


class SchemaVersion(SQLModel, table=True):
    __tablename__ = "gavel_schema_version"

    component: str = Field(primary_key=True)
    version: int


class EvidenceLog(SQLModel, table=True):
    __tablename__ = "evidence_log"

    log_id: int = Field(primary_key=True)
    origin: str = Field(unique=True)
    tree_size: int = Field(sa_type=BigInteger)
    root_hash: bytes = Field(sa_type=LargeBinary)
    frontier: bytes = Field(sa_type=LargeBinary)
    active_key_id: str | None = None
    created_at: str


class EntryBase(SQLModel):
    record_id: str
    key_id: str
    predicate_type: str
    decision: str | None = None
    policy_digest: str | None = None


class EntryCreate(EntryBase):
    """A signed record waiting for its place in the log.

    `statement` is the document the envelope's payload was serialised from, when the builder
    still has it: the report index is derived from it instead of decoding the payload again.
    It is never stored; `verify` derives the index from the signed bytes and compares.
    """

    envelope: bytes
    statement: Any = Field(default=None, exclude=True, repr=False)


class EvidenceEntry(EntryBase, table=True):
    __tablename__ = "evidence_entry"
    __table_args__ = (
        Index("evidence_entry_envelope", "log_id", "envelope_sha256", unique=True),
        Index("evidence_entry_record", "log_id", "record_id", unique=True),
        Index("evidence_entry_time", "log_id", "integrated_time"),
        Index("evidence_entry_decision", "log_id", "decision", "integrated_time"),
    )

    log_id: int = Field(primary_key=True)
    idx: int = Field(primary_key=True, sa_type=BigInteger)
    integrated_time: str
    leaf_hash: bytes = Field(sa_type=LargeBinary)
    envelope_sha256: str
    envelope: bytes = Field(sa_type=LargeBinary)


class EntryPublic(EntryBase):
    """What `gavel evidence log` shows of an entry."""

    idx: int
    integrated_time: str
    envelope_sha256: str


class MerkleNode(SQLModel, table=True):
    __tablename__ = "merkle_node"

    log_id: int = Field(primary_key=True)
    level: int = Field(primary_key=True)
    idx: int = Field(primary_key=True, sa_type=BigInteger)
    hash: bytes = Field(sa_type=LargeBinary)


class CheckpointRow(SQLModel, table=True):
    __tablename__ = "checkpoint"

    log_id: int = Field(primary_key=True)
    tree_size: int = Field(primary_key=True, sa_type=BigInteger)
    root_hash: bytes = Field(sa_type=LargeBinary)
    note: str = Field(sa_type=Text)
    signed_at: str


class SigningKey(SQLModel, table=True):
    """Public material only; informational for exports, never a trust anchor."""

    __tablename__ = "signing_key"

    key_id: str = Field(primary_key=True)
    public_pem: str = Field(sa_type=Text)
    valid_from_index: int = Field(sa_type=BigInteger)
    valid_until_index: int | None = Field(default=None, sa_type=BigInteger)
    created_at: str


APPEND_ONLY_TABLES = ("evidence_entry", "merkle_node", "checkpoint")


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a model, for the bulk statements the append path runs."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


def placeholder(paramstyle: str) -> str:
    """The DB-API parameter marker: `?` for sqlite3, `%s` for psycopg."""
    return "?" if paramstyle == "qmark" else "%s"


def insert_sql(table: str, columns: Sequence[str], marker: str) -> str:
    """A driver-level multi-row INSERT; the append path runs these with plain tuples (see store.py)."""
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
